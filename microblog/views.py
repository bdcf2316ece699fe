from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from microblog.models import Post

POSTS_ON_HOME_PAGE = 25


@login_required
def index(request):
    posts = Post.objects.select_related("author")[:POSTS_ON_HOME_PAGE]
    return render(request, "microblog/index.html", {"posts": posts})


@staff_member_required
def raise_test_error(request):
    """Fail on purpose, so that staff can check error emails and the log file end to end."""
    raise RuntimeError(f"Test error requested by {request.user.username}")
