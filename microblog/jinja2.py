"""The Jinja2 environment of the site's pages (templates/): Django's helpers, under their names.

The pages are Jinja2 rather than Django templates because Jinja2 compiles each template to Python
once: measured with bench.profile, rendering was about half of each page's time in the Django
template language. The admin and the debug toolbar keep their own Django templates.
"""

from functools import lru_cache

from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from jinja2 import Environment

from microblog.errors.request_id import get_request_id
from microblog.posts.lists import post_list
from microblog.renderers import render_form


def url(name, *args):
    """{{ url("profile", username) }}: the path of a named URL, as Django's `url` tag gives it."""
    return reverse_once(get_script_prefix(), name, args)


# Per process: a URL is a function of its name, its arguments and the prefix the site is served
# under, and reversing it was a tenth of a page's time. The size bounds the memory.
@lru_cache(maxsize=4096)
def reverse_once(prefix, name, args):
    return reverse(name, args=args)


def date(value, format_name):
    """{{ when|date("DATETIME_FORMAT") }}: Django's `date` filter, in the current time zone."""
    return formats.date_format(timezone.localtime(value), format_name)


def environment(**options):
    # Always on, as in the Django template language: a page never prints unescaped text.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.globals.update(
        # A static file's URL changes only with a deploy, which starts new processes.
        static=lru_cache(maxsize=256)(static),
        url=url,
        post_list=post_list,
        render_form=render_form,
        # The error pages' reference: also in the log line and the admins' email.
        request_id=get_request_id,
    )
    env.filters["date"] = date
    return env
