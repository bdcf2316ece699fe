"""post_list(): the list of recent posts on the home page and on each profile, cached."""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from microblog.posts.models import Post
from microblog.prepared import PreparedQuery

POSTS_PER_LIST = 25


def post_list(author=None):
    """The newest posts, everyone's or `author`'s, as HTML.

    What the list shows (each post's id and body, its author's name and the email behind the
    avatar) is read by one small query on every view, and the HTML is cached under exactly that.
    So the next page shows any change however it was made (a form, the admin, a bulk update,
    `seed_demo` in another process) with no signal or invalidation to forget, while rendering,
    most of a page's work, happens once per distinct list.
    """
    shown = posts_by_author.rows(author.pk) if author else recent_posts.rows()
    return render_post_list(tuple(shown))


def what_a_list_shows(posts):
    return posts.values_list("pk", "body", "author__username", "author__email")[:POSTS_PER_LIST]


recent_posts = PreparedQuery(lambda: what_a_list_shows(Post.objects.all()))
posts_by_author = PreparedQuery(
    lambda author_id: what_a_list_shows(Post.objects.filter(author_id=author_id)), int
)


# Per process: an entry can't go stale (its key is its content) and dies with the process, so a
# deploy's new templates are used at once; the size bounds the memory (lists of a few KB each).
@lru_cache(maxsize=512)
def render_post_list(shown):
    user = get_user_model()
    posts = [
        Post(pk=pk, body=body, author=user(username=username, email=email))
        for pk, body, username, email in shown
    ]
    return mark_safe(render_to_string("posts/post_list.html", {"posts": posts}))  # noqa: S308 (autoescaped)
