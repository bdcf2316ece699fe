"""URLs with views that fail or refuse on purpose, for the error-handling tests."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path

from microblog.posts.models import Post


def write_then_fail(request):
    Post.objects.create(author=request.user, body="written by a request that then fails")
    raise RuntimeError("failure after a database write")


def forbidden(request):
    raise PermissionDenied("not for you")


urlpatterns = [
    path("forbidden", forbidden),
    path("fail-after-write", write_then_fail),
    path("", include("microblog.urls")),
]
