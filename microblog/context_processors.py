"""Context processors of the site's Jinja2 pages (TEMPLATES in settings)."""

from functools import cached_property

from django.middleware.csrf import get_token
from django.utils.html import format_html


class CsrfInput:
    """The form field of the request's CSRF token, masked when a page first shows it (markupsafe
    calls __html__ to show it) and then the same wherever else the page does."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def html(self):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(self.request)
        )

    def __html__(self):
        return self.html

    __str__ = __html__


def csrf_input(request):
    """{{ csrf_input }} with the CSRF token masked once per page, as Django's own templates have it.

    Django's Jinja2 backend masks the token anew each time a page shows csrf_input (32 characters
    drawn from the OS's random source), so the profile page, with its form and the logout button,
    drew twice. One mask per response is what the template language's `csrf` context processor
    gives, and any one mask hides the secret.
    """
    return {"csrf_input": CsrfInput(request)}
