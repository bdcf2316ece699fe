from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from microblog.errors.request_id import get_request_id
from microblog.models import Post, listings_version

POSTS_ON_HOME_PAGE = 25


@transaction.non_atomic_requests
@login_required
def index(request):
    posts = Post.objects.for_listing()[:POSTS_ON_HOME_PAGE]
    return render(
        request,
        "microblog/index.html",
        {"posts": posts, "listings_version": listings_version(), "list_name": "all"},
    )


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
    page = loader.get_template("500.html").render({"request_id": get_request_id()})
    return HttpResponseServerError(page)
