from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@staff_member_required
def raise_test_error(request):
    """Fail on purpose, so that staff can check error emails and the log file end to end."""
    raise RuntimeError(f"Test error requested by {request.user.username}")


@requires_csrf_token
def server_error(request):
    """Django's 500 view, plus the request id so that users can quote it to the admins.

    Like Django's, it renders 500.html without a request context: whatever broke the request
    (the database, the session, a context processor) must not break its error page too.
    """
    page = loader.get_template("500.html").render()
    return HttpResponseServerError(page)


@requires_csrf_token
def bad_request(request, exception):
    """Django's 400 view, in the site's layout and with the request id, rendered as the 500 page
    is: without a request context."""
    page = loader.get_template("400.html").render()
    return HttpResponseBadRequest(page)
