"""URLs with views that fail or refuse on purpose, for the error-handling tests."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import include, path

from microblog.posts.models import Post
from microblog.urls import handler500  # noqa: F401 (the site's own 500 view)


def write_then_fail(request):
    Post.objects.create(author=request.user, body="written by a request that then fails")
    raise RuntimeError("failure after a database write")


@transaction.non_atomic_requests
def write_then_fail_outside_a_transaction(request):
    write_then_fail(request)


async def write_then_fail_async(request):
    author = await request.auser()
    await Post.objects.acreate(author=author, body="written by a request that then fails")
    raise RuntimeError("failure after a database write")


def forbidden(request):
    raise PermissionDenied("not for you")


urlpatterns = [
    path("forbidden", forbidden),
    path("fail-after-write", write_then_fail),
    path("fail-after-write-outside-a-transaction", write_then_fail_outside_a_transaction),
    path("fail-after-write-async", write_then_fail_async),
    path("", include("microblog.urls")),
]
