"""URLs with views that fail or refuse on purpose, for the error-handling tests."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path

from microblog.posts.models import Post


def write_then_fail(request):
    Post.objects.create(author=request.user, body="written by a request that then fails")
    raise RuntimeError("failure after a database write")


def fail_holding_secrets(request):
    """Fails with local variables that hold a secret under a secret name and under a plain one."""
    api_token = request.POST.get("api_token")  # noqa: F841 (shown scrubbed on the error's page)
    copied = f"the session: {request.COOKIES.get('sessionid')}"  # noqa: F841
    note = request.POST.get("note")  # noqa: F841
    raise RuntimeError("failure holding secrets")


def forbidden(request):
    raise PermissionDenied("not for you")


urlpatterns = [
    path("forbidden", forbidden),
    path("fail-after-write", write_then_fail),
    path("fail-holding-secrets", fail_holding_secrets),
    path("", include("microblog.urls")),
]
