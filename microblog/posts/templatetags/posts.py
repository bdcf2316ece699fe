"""{% post_list %}: the list of recent posts on the home page and on each profile, cached."""

from hashlib import sha256

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string

from microblog.posts.models import Post

register = template.Library()

POSTS_PER_LIST = 25
# A list is cached for as long as what it shows stays the same; the timeout only frees the room
# of lists nobody asks for any more.
CACHE_SECONDS = 3600


@register.simple_tag
def post_list(author=None):
    """The newest posts, everyone's or `author`'s, rendered (the cache saves most of a page's work).

    The cache key is made of what the list shows (each post's id and body, its author's name, and
    the email behind the avatar), read by one small query each time. So the next page shows any
    change however it was made (a form, the admin, a bulk update, `seed_demo` in another process)
    with no signal or invalidation to forget, and unchanged lists are rendered once.
    """
    posts = Post.objects.select_related("author")
    if author is not None:
        posts = posts.filter(author=author)
    posts = list(posts.only("body", "author__username", "author__email")[:POSTS_PER_LIST])
    shown = [(post.pk, post.body, post.author.username, post.author.email) for post in posts]
    key = "post-list:" + sha256(repr(shown).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string("posts/post_list.html", {"posts": posts})
        cache.set(key, html, CACHE_SECONDS)
    return html
