"""Pages cost a fixed number of queries, whatever the size of the site, and cached lists of
posts never show stale posts or names."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microblog.models import LISTINGS_VERSION_KEY
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/login", "/index", "/user/susan", "/edit_profile"]


def queries_per_page(client, user):
    """Queries of each page, first with an empty cache, then with a warm one."""
    counts = {}
    for path in PAGES:
        cache.clear()
        client.logout()
        if path != "/login":
            client.force_login(user)
        for temperature in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts[path, temperature] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_users_and_posts(client, user):
    user.last_seen = timezone.now()  # no "last seen" write in the way
    user.save()
    PostFactory(author=user)
    small = queries_per_page(client, user)

    others = UserFactory.create_batch(30)
    for author in others:
        PostFactory.create_batch(3, author=author)
    PostFactory.create_batch(30, author=user)
    large = queries_per_page(client, user)

    assert large == small
    assert small == {
        ("/login", "cold"): 0,
        ("/login", "warm"): 0,
        # The session and the user; then the posts, unless their list is cached (the cache
        # is in memory here, in the database or Redis in production).
        ("/index", "cold"): 3,
        ("/index", "warm"): 2,
        # ... and the profile's owner.
        ("/user/susan", "cold"): 4,
        ("/user/susan", "warm"): 3,
        ("/edit_profile", "cold"): 3,
        ("/edit_profile", "warm"): 3,
    }


def test_new_post_shows_at_once_on_cached_lists(logged_in, user):
    logged_in.get("/")
    logged_in.get("/user/susan")

    PostFactory(author=user, body="brand new post")

    assert "brand new post" in logged_in.get("/").text
    assert "brand new post" in logged_in.get("/user/susan").text


def test_deleted_post_disappears_from_cached_lists(logged_in, user):
    post = PostFactory(author=user, body="soon gone")
    assert "soon gone" in logged_in.get("/").text

    post.delete()

    assert "soon gone" not in logged_in.get("/").text


def test_renamed_author_shows_with_new_name_on_cached_lists(logged_in, other_user):
    PostFactory(author=other_user, body="a post by anthony")
    assert 'href="/user/anthony"' in logged_in.get("/").text

    other_user.username = "tony"
    other_user.save()

    page = logged_in.get("/").text
    assert 'href="/user/tony"' in page
    assert 'href="/user/anthony"' not in page


def test_logging_in_keeps_cached_lists(client, user):
    client.force_login(user)
    client.get("/")
    version = cache.get(LISTINGS_VERSION_KEY)

    client.post("/logout")
    client.post("/login", {"username": "susan", "password": "correct-horse-battery"})

    assert cache.get(LISTINGS_VERSION_KEY) == version


def test_any_change_to_a_post_shows_on_cached_lists(logged_in, user, other_user):
    post = PostFactory(author=user, body="moving post")
    assert 'href="/user/susan"' in logged_in.get("/").text

    post.author = other_user
    post.save(update_fields=["author"])

    assert 'href="/user/anthony"' in logged_in.get("/").text
