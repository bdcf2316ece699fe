"""The WSGI application around Django's, so that every request gets a page and a reference.

Django turns what fails in a view or a middleware into the 500 page, but not what fails before
its handler has a request (a form whose charset can't decode it: Django reads the query string to
build the request) or what fails inside its error handling. A WSGI server would then answer with a
bare "Internal server error" of its own, and nothing would reach the log or the admins.
"""

import codecs
import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string

from microblog.errors.pages import REFUSED
from microblog.errors.request_id import (
    HEADER,
    forget_request_id,
    get_request_id,
    start_request,
)

# Not microblog.errors (whose trouble is never emailed): this is a failed request, for the admins.
logger = logging.getLogger("microblog.safety_net")
# Form data is ASCII, percent-encoded: a charset that does not read ASCII as ASCII can't decode it.
ASCII_SAMPLE = "name=value&x=%41+b"


def readable_charset(content_type):
    """Whether Django can decode a request sent with this Content-Type: no charset, one it doesn't
    know (it ignores those), or one that reads ASCII as ASCII ("rot13" and "utf-16" don't)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                return ASCII_SAMPLE.encode(charset) == ASCII_SAMPLE.encode("ascii")
            except LookupError:
                # Unknown to Python: Django ignores it. Known, but not a text encoding (rot13):
                # Django would fail on it.
                return not is_codec(charset)
            except (UnicodeError, ValueError):
                return False
    return True


def is_codec(name):
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class SafetyNet:
    """WSGI middleware around Django's application (microblog/wsgi.py).

    - A request whose charset Django can't decode is handed on without it, marked refused: Django
      answers it with the 400 page (microblog/errors/pages.py), its headers and a log line.
    - Whatever still escapes Django's handler is logged as an error with the request's reference
      (the log file and the admins' email), and the visitor gets the 500 page with it.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # RequestIdMiddleware gives the request its id; a failure before it must not show the
        # last request's (left set for Django's late log lines), but get one of its own.
        forget_request_id()
        if not readable_charset(environ.get("CONTENT_TYPE", "")):
            environ = environ | {"CONTENT_TYPE": "", REFUSED: 400}
        try:
            return self.application(environ, start_response)
        except Exception:
            if get_request_id() is None:  # it failed before RequestIdMiddleware
                start_request("")
            logger.exception(
                "Internal Server Error outside Django's handler: %s", environ.get("PATH_INFO", "")
            )
            response = HttpResponseServerError(render_to_string("500.html"))
            response[HEADER] = get_request_id()
            start_response(f"500 {response.reason_phrase}", list(response.items()))
            return [response.content]
