"""The Jinja2 environment of the site's pages (templates/), as Django's documentation sets one up.

The pages are Jinja2 rather than Django templates because Jinja2 compiles each template to Python
once: measured with bench.profile, rendering was about half of each page's time in the Django
template language. The admin and the debug toolbar keep their own Django templates, and forms
render through FORM_RENDERER (settings.py).
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from jinja2 import Environment

from microblog.errors.request_id import get_request_id


def date(value, format_name):
    """{{ when|date("DATETIME_FORMAT") }}: Django's `date` filter, in the current time zone."""
    return formats.date_format(timezone.localtime(value), format_name)


def environment(**options):
    env = Environment(**options)  # noqa: S701 (Django's backend passes autoescape=True)
    env.globals.update(
        static=static,
        url=reverse,
        # The error pages' reference: also in the log line and the admins' email.
        request_id=get_request_id,
        # Whether the 500 page may say that the administrators were told.
        admins_are_emailed=lambda: bool(settings.ADMINS),
    )
    env.filters["date"] = date
    return env
