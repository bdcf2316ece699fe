"""What an error report may show: Django's filter, tightened so that no credential gets out."""

import re

from django.views import debug

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
