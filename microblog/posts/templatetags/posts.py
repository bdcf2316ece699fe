"""{% post_list %}: the list of recent posts on the home page and on each profile, cached."""

from functools import cache, lru_cache

from django import template
from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string

from microblog.posts.models import Post

register = template.Library()

POSTS_PER_LIST = 25


@register.simple_tag
def post_list(author=None):
    """The newest posts, everyone's or `author`'s, as HTML.

    What the list shows (each post's id and body, its author's name and the email behind the
    avatar) is read by one small query on every view, and the HTML is cached under exactly that.
    So the next page shows any change however it was made (a form, the admin, a bulk update,
    `seed_demo` in another process) with no signal or invalidation to forget, while rendering,
    most of a page's work, happens once per distinct list.
    """
    with connection.cursor() as cursor:
        cursor.execute(shown_sql(by_author=author is not None), [author.pk] if author else [])
        return render_post_list(tuple(cursor.fetchall()))


@cache
def shown_sql(by_author):
    """The query of what a list shows, built by the ORM once per process: building it takes
    four times as long as running it, and it runs on every view of the home page and profiles."""
    posts = Post.objects.filter(author_id=0) if by_author else Post.objects.all()
    shown = posts.values_list("pk", "body", "author__username", "author__email")
    sql, _ = shown[:POSTS_PER_LIST].query.sql_with_params()
    return sql


# Per process: an entry can't go stale (its key is its content) and dies with the process, so a
# deploy's new templates are used at once; the size bounds the memory (lists of a few KB each).
@lru_cache(maxsize=512)
def render_post_list(shown):
    user = get_user_model()
    posts = [
        Post(pk=pk, body=body, author=user(username=username, email=email))
        for pk, body, username, email in shown
    ]
    return render_to_string("posts/post_list.html", {"posts": posts})
