"""The HTML of a list of posts (the home page, a profile), through Django's cache."""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def post_list_html(posts):
    """The queryset `posts` rendered, from the cache when the same posts were rendered before.

    The key is what the list shows (each post's id and body, its author's name and the email
    behind the avatar), read as plain values, so a list can't be stale however posts or users
    changed (a form, the admin, a bulk update), and no change has to remember to invalidate it;
    the release prefixes every key, so new templates render anew. Only a list not yet in the cache
    loads the posts as models to render them: rendering them and making their models was half of
    the home page.
    """
    shown = list(posts.values_list("pk", *posts.SHOWN))
    key = "post-list:" + hashlib.sha256(repr(shown).encode()).hexdigest()
    return cache.get_or_set(key, lambda: render(posts))


def render(posts):
    # The template escapes what it shows (autoescape): its HTML is safe to show as it is.
    return mark_safe(render_to_string("posts/post_list.html", {"posts": posts}))  # noqa: S308
