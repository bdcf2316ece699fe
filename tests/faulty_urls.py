"""URLs with views that fail on purpose, for the error-handling tests."""

from django.urls import include, path

from microblog.posts.models import Post
from microblog.urls import handler500  # noqa: F401 (the site's own 500 view)


def write_then_fail(request):
    Post.objects.create(author=request.user, body="written by a request that then fails")
    raise RuntimeError("failure after a database write")


urlpatterns = [
    path("fail-after-write", write_then_fail),
    path("", include("microblog.urls")),
]
