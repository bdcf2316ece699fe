"""The error pages of the statuses that Django answers without one: 405, and the 408 and 413 the
server refuses a request with before Django has read it."""

from django.http import HttpResponse
from django.template.loader import render_to_string

# The environ key by which the server (microblog/bridge.py) hands Django a request it refused, with
# the status: it can't come from a client, whose headers all become HTTP_ keys.
REFUSED = "microblog.refused"


class RefusedRequestPageMiddleware:
    """Answer a request the server refused (its body too slow, 408, or too large, 413) with the
    site's page for it, before anything reads the request: it has no body, and its session and
    CSRF cookie are not looked at. Listed after the middleware that give every page its headers
    (request id, security, CSP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        status = request.META.get(REFUSED)
        if status:
            return HttpResponse(render_to_string(f"{status}.html"), status=status)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A view that takes only some methods (logout takes POST) answers the others with an empty
    405; this gives that answer the site's page, as Django's handlers give 404 and 403 theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
