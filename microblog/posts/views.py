from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from microblog.posts.lists import post_list_html
from microblog.posts.models import Post


@login_required
def index(request):
    """The home page: everyone's most recent posts."""
    posts = Post.objects.listed()
    context = {"posts": posts, "post_list": post_list_html(posts)}
    return TemplateResponse(request, "posts/index.html", context)
