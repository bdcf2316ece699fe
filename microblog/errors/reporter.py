"""What an error report may show: Django's filter and reporter, tightened so that no credential
gets out, wherever in the request it travelled (a form, a cookie, the URL, a header)."""

import re
from urllib.parse import quote_plus, unquote_plus

from django.conf import settings
from django.views import debug

from microblog.errors.fingerprint import is_our_code
from microblog.proxy import from_trusted_proxy

# user:password@ inside any URL-looking value (DATABASE_URL, EMAIL_URL, DSNs, a Referer).
URL_PASSWORD = re.compile(r"(?P<scheme_user>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I)

# The words that make a form field or query parameter secret; the endings that make a word so
# ("accesstoken", "csrfmiddlewaretoken", "userpassword", "privatekey"); secret names written as
# one word. Hiding by name can't know every name: headers are shown by an allowlist instead.
SECRET_WORDS = frozenset(
    {
        *("password", "passwd", "passphrase", "passcode", "pass", "pwd", "pw", "pin"),
        *("secret", "token", "key", "auth", "authorization", "credential", "credentials"),
        *("signature", "sig", "cookie", "csrf", "session", "otp", "jwt", "bearer", "assertion"),
    }
)
SECRET_ENDINGS = ("token", "password", "passwd", "passcode", "secret", "privatekey", "assertion")
SECRET_NAMES = frozenset({"apikey", "sessionid", "sessionkey"})
# The request headers whose values a report shows; every other one shows its name only.
SHOWN_HEADERS = frozenset(
    {
        *("HTTP_USER_AGENT", "HTTP_HOST", "HTTP_REFERER", "HTTP_X_REQUEST_ID", "HTTP_ORIGIN"),
        *("HTTP_CONNECTION", "HTTP_CACHE_CONTROL", "HTTP_PRAGMA", "HTTP_DNT"),
        "HTTP_UPGRADE_INSECURE_REQUESTS",
    }
)
SHOWN_HEADER_PREFIXES = ("HTTP_ACCEPT", "HTTP_SEC_FETCH_", "HTTP_SEC_CH_")
# The words of a name: "new_password1", "apiKey", "X-Auth-Token" and "APIKEY" all split apart.
WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# name=value in any text (a URL, a query string, an exception message); a value may be quoted.
# A value runs to the next "&", as Django's QueryDict reads it: "passwd=A;B" is one value.
PARAMETER = re.compile(r"""(?P<name>[^\s?&;=#'"<>]+)=(?P<value>'[^']*'|"[^"]*"|[^\s&#'"<>]*)""")


def is_secret_name(name):
    """Whether a form field or query parameter of this name holds a secret.

    Judged by whole words ("api_token", "newPassword1"), so that "author" and "capital" stay
    visible, where Django's pattern for settings would hide them for holding AUTH or API.
    """
    words = [word.lower() for word in WORD.findall(name)]
    return (
        "".join(words) in SECRET_NAMES
        or not SECRET_WORDS.isdisjoint(words)
        or any(word.endswith(SECRET_ENDINGS) for word in words)
    )


def hide_secret_parameters(text, substitute=debug.SafeExceptionReporterFilter.cleansed_substitute):
    """`text` with the value of every secret-named `name=value` in it replaced by `substitute`,
    also inside a percent-encoded value (a `next` URL that carries a token)."""

    def hide(match):
        name, value = match["name"], match["value"]
        if value and is_secret_name(unquote_plus(name)):
            return f"{name}={substitute}"
        decoded = unquote_plus(value)
        hidden = hide_secret_parameters(decoded, substitute)
        if hidden == decoded:
            return match.group()
        # A value with secrets of its own: "x=1;token=…", a `next` URL with a token.
        return f"{name}={quote_plus(hidden, safe='/:*;=') if decoded != value else hidden}"

    return PARAMETER.sub(hide, text) if "=" in text else text


def hide_url_passwords(text, substitute=debug.SafeExceptionReporterFilter.cleansed_substitute):
    """`text` with the password of every URL in it (user:password@host) replaced."""
    return URL_PASSWORD.sub(rf"\g<scheme_user>{substitute}@", text)


def hide_secrets(text, substitute=debug.SafeExceptionReporterFilter.cleansed_substitute):
    """`text` with secret-named `name=value` values and passwords inside URLs replaced."""
    return hide_url_passwords(hide_secret_parameters(text, substitute), substitute)


def is_shown_header(key, from_trusted_proxy):
    """Whether a report shows the value of the header whose META key is `key`."""
    if key.startswith("HTTP_X_FORWARDED_"):
        return from_trusted_proxy
    return key in SHOWN_HEADERS or key.startswith(SHOWN_HEADER_PREFIXES)


class SafeExceptionReporterFilter(debug.SafeExceptionReporterFilter):
    """Django's filter, tightened so that error reports carry no credential whatever the view.

    Stock Django still shows the CSRF cookie (META["CSRF_COOKIE"]), the csrfmiddlewaretoken and any
    password field of a view not decorated with sensitive_post_parameters, other cookies,
    passwords inside URLs such as DATABASE_URL, and secrets in the query string (the URL, GET,
    QUERY_STRING, a Referer).
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CSRF|SESSION", flags=re.I
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return hide_url_passwords(cleansed, self.cleansed_substitute)
        return cleansed

    def get_safe_request_meta(self, request):
        """Show a header's value only where it is known to be harmless (SHOWN_HEADERS; the
        X-Forwarded-* of a TRUSTED_PROXIES proxy), and hide secret query parameters in
        QUERY_STRING, the Referer and the like."""
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        trusted = from_trusted_proxy(request)
        safe = {}
        for key, value in meta.items():
            if key.startswith("HTTP_") and not is_shown_header(key, trusted):
                safe[key] = self.cleansed_substitute
            else:
                safe[key] = self.cleanse_text(value) if isinstance(value, str) else value
        return safe

    def get_safe_cookies(self, request):
        """Hide every cookie value: any of them may be a credential."""
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_post_parameters(self, request):
        """Hide POST fields whose names say secret, even where the view forgot to say so."""
        return self.cleanse_parameters(request, super().get_post_parameters(request))

    def get_query_parameters(self, request):
        """request.GET, with the values of secret-named parameters hidden."""
        return self.cleanse_parameters(request, request.GET)

    def cleanse_parameters(self, request, parameters):
        if request is None or not self.is_active(request):
            return parameters
        cleansed = parameters.copy()
        for name, values in parameters.lists():
            if is_secret_name(name):
                cleansed[name] = self.cleansed_substitute
            else:  # a URL in a value (`next`) may carry secrets of its own
                cleansed.setlist(name, [self.cleanse_text(str(value)) for value in values])
        return cleansed

    def cleanse_text(self, text):
        return hide_secret_parameters(text, self.cleansed_substitute)


class SafeExceptionReporter(debug.ExceptionReporter):
    """Django's reporter, with what it takes from the request itself put through the filter too:
    the GET table, and every `name=value` in the text (the Request URL, the exception's message)."""

    def get_traceback_data(self):
        """Django's documented extension point; the GET table's key is Django's own (README:
        Shortcuts), and a test of every report's text fails should it change."""
        data = super().get_traceback_data()
        if self.request is not None and self.filter.is_active(self.request):
            data["request_GET_items"] = self.filter.get_query_parameters(self.request).items()
        return data

    def get_traceback_text(self):
        return self.filter.cleanse_text(super().get_traceback_text())

    def get_error_details(self):
        """What the Errors admin's page and the email show of this error, as data that a
        database row keeps: each frame of the traceback with its code and its local variables,
        and the request, all scrubbed. The frames are those of Django's own report (the
        `frames` key of get_traceback_data(): README, Shortcuts)."""
        known = self.request_secrets()
        frames = [
            self.frame_details(frame, known)
            for frame in self.get_traceback_data()["frames"]
            if frame.get("filename")
        ]
        return {"frames": frames, "request": self.request_details()}

    def frame_details(self, frame, known):
        filename = frame["filename"]
        project = is_our_code(filename)
        return {
            "file": short_path(filename, project),
            "function": frame["function"],
            "line": frame["lineno"],
            "first_line": frame["pre_context_lineno"],
            "code": [*frame["pre_context"], frame["context_line"], *frame["post_context"]],
            "project": project,
            "vars": [
                [name, self.scrub_variable(name, value, known)]
                for name, value in frame.get("vars", [])
            ],
        }

    def request_details(self):
        """The request, as the email's text report shows it: headers by the allowlist, secret
        parameters hidden. None for an error outside a request, or one that can't be read."""
        request = self.request
        if request is None or not self.filter.is_active(request):
            return None
        meta = self.filter.get_safe_request_meta(request)
        headers = [
            [key.removeprefix("HTTP_").replace("_", "-").title(), str(value)]
            for key, value in sorted(meta.items())
            if key.startswith(("HTTP_", "CONTENT_"))
        ]
        return {
            "method": request.method,
            "path": self.filter.cleanse_text(request.get_full_path()),
            "user": user_of(request),
            "headers": headers,
            "GET": pairs(self.filter.get_query_parameters(request)),
            "POST": pairs(self.filter.get_post_parameters(request)),
        }

    def request_secrets(self):
        """The values in this request that must not show anywhere, also where a local variable
        holds them under a harmless name: its cookies and the values of its hidden headers and
        secret-named parameters."""
        request = self.request
        if request is None:
            return set()
        secrets = set(getattr(request, "COOKIES", {}).values())
        secrets.add(request.META.get("CSRF_COOKIE", ""))
        trusted = from_trusted_proxy(request)
        for key, value in request.META.items():
            if key.startswith("HTTP_") and not is_shown_header(key, trusted):
                secrets.add(str(value))
        for parameters in (request.GET, request.POST):
            for name, values in parameters.lists():
                if is_secret_name(name):
                    secrets.update(values)
        # Too short to stand for a secret, rather than be part of any text.
        return {secret for secret in secrets if len(secret) >= 4}

    def scrub_variable(self, name, value, known):
        """A local variable's value as an error's page shows it: hidden whole under a secret
        name, else with the request's `known` secrets and any secrets in its text hidden."""
        hidden = self.filter.cleansed_substitute
        if is_secret_name(name):
            return hidden
        for secret in sorted(known, key=len, reverse=True):
            value = value.replace(secret, hidden)
        return hide_secrets(value, hidden)


def short_path(filename, project):
    """A traceback's file as a reader knows it: microblog/errors/views.py for the project's,
    django/core/handlers/base.py for an installed package's."""
    if project:
        return filename.removeprefix(f"{settings.BASE_DIR}/")
    return filename.rpartition("site-packages/")[2]


def user_of(request):
    try:
        return request.user.get_username()
    except Exception:  # no user yet, or the failure is in loading the user itself
        return ""


def pairs(parameters):
    return [[name, str(value)] for name, values in parameters.lists() for value in values]
