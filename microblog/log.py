"""Where errors go: the LOGGING dict, and the few classes our error reports need.

With DEBUG off, every unhandled error is written to logs/microblog.log and emailed to ADMINS with
its traceback; with DEBUG on, Django's debug page shows it instead and neither handler fires.
"""

import re

from django.utils import log
from django.views import debug

LOG_FORMAT = "%(asctime)s %(levelname)s: %(message)s [in %(pathname)s:%(lineno)d]"


def build_logging(log_dir):
    """Return the LOGGING dict; the log directory is created if missing, as in the chapter."""
    log_dir.mkdir(parents=True, exist_ok=True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
            "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
        },
        "formatters": {
            "chapter7": {"format": LOG_FORMAT},
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            # Listed before mail_admins so that an error is on disk before the email is tried.
            "file": {
                "level": "INFO",
                "filters": ["require_debug_false"],
                "class": "logging.handlers.RotatingFileHandler",
                "filename": log_dir / "microblog.log",
                "maxBytes": 10 * 1024,
                "backupCount": 10,
                "delay": True,
                "formatter": "chapter7",
            },
            "mail_admins": {
                "level": "ERROR",
                "filters": ["require_debug_false"],
                "class": "microblog.log.AdminEmailHandler",
            },
            "console": {"filters": ["require_debug_true"], "class": "logging.StreamHandler"},
            "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        },
        "loggers": {
            "django": {"handlers": ["file", "mail_admins", "console"], "level": "INFO"},
            # Django's request logger says "Invalid HTTP_HOST header" for every scanner on the
            # internet: keep it in the log file, never in an admin's inbox.
            "django.security.DisallowedHost": {"handlers": ["file"], "propagate": False},
            # runserver's access log, kept as Django has it: on the console only. (dictConfig resets
            # unlisted children of "django" to propagate, which would email each 500 twice.)
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            "microblog": {"handlers": ["file", "mail_admins"], "level": "INFO"},
        },
    }


class AdminEmailHandler(log.AdminEmailHandler):
    """Django's AdminEmailHandler that, like every logging handler, never raises from emit().

    Under MAILERS, Django 6.1 lets a mail-transport error escape emit() (ticket 37261): with the
    mail server down, the user would get a bare crash instead of our 500 page. The failure is
    reported the logging way (handleError, on stderr) and the error is already in the log file.
    """

    def emit(self, record):
        try:
            super().emit(record)
        except Exception:
            self.handleError(record)


# user:password@ inside any URL-looking value (DATABASE_URL, EMAIL_URL, DSNs).
URL_PASSWORD = re.compile(r"(?P<scheme_user>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I)


class SafeExceptionReporterFilter(debug.SafeExceptionReporterFilter):
    """Django's filter, tightened so that error emails carry no credential whatever the view.

    Stock Django still shows the CSRF cookie (META["CSRF_COOKIE"]), the csrfmiddlewaretoken and any
    password field of a view not decorated with sensitive_post_parameters, other cookies, and
    passwords inside URLs such as DATABASE_URL.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CSRF|SESSION", flags=re.I
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return URL_PASSWORD.sub(rf"\g<scheme_user>{self.cleansed_substitute}@", cleansed)
        return cleansed

    def get_safe_cookies(self, request):
        """Hide every cookie value: any of them may be a credential."""
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_post_parameters(self, request):
        """Hide POST fields whose names look secret, even where the view forgot to say so."""
        post = super().get_post_parameters(request)
        if request is None or not self.is_active(request):
            return post
        cleansed = post.copy()
        for name in post:
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
