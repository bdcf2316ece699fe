"""The request id: the reference a user quotes from the 500 page, also in the log and the email."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from microblog.proxy import from_trusted_proxy

HEADER = "X-Request-ID"
# An id from a TRUSTED_PROXIES proxy in front is kept when it looks like one (a UUID, a hex or
# dashed token): it is written into log lines and email subjects, so nothing else gets through.
WELL_FORMED = re.compile(r"[0-9A-Za-z-]{1,64}")

_request_id = ContextVar("request_id", default=None)
# One line per request, with its id (see LOGGING: stdout, production only).
access_log = logging.getLogger("microblog.access")


def start_request(incoming):
    """Give the request being served its id: `incoming` (X-Request-ID from a trusted proxy in
    front) when well formed, else a new one. Returns it."""
    request_id = incoming if WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex[:8]
    _request_id.set(request_id)
    return request_id


def forget_request_id():
    """No request is being served yet: the id left set by the last one no longer applies."""
    _request_id.set(None)


def get_request_id():
    """The id of the request this code is serving, or None outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """Give each request an id, keep it for the request's log lines, send it back in a header,
    and write the request's access log line with it.

    The id is left set after the response: Django logs an error response that a view returned
    (rather than raised) only after the middleware chain has finished, and that line needs it too.
    The next request in the same thread or task replaces it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A visitor's own X-Request-ID would let it choose the reference of its errors: the
        # site makes one, unless a proxy that TRUSTED_PROXIES names made it.
        incoming = request.headers.get(HEADER, "") if from_trusted_proxy(request) else ""
        request_id = start_request(incoming)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        # The path only: a query string may carry what a log must not keep.
        access_log.info(
            '%s "%s %s" %s %.1fms',
            request.META.get("REMOTE_ADDR", "-"),
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response
