"""Pages cost a fixed number of queries, whatever the size of the site."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import USER_BACKEND, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/login", "/index", "/user/susan", "/edit_profile"]


def queries_per_page(client, user):
    """Queries of each page, first with an empty cache, then with a warm one."""
    counts = {}
    for path in PAGES:
        cache.clear()
        client.logout()
        if path != "/login":
            client.force_login(user, backend=USER_BACKEND)
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
        # The user (the session comes from the cache), then what the list of posts shows;
        # with an empty cache, also the posts themselves, to render the list.
        ("/index", "cold"): 3,
        ("/index", "warm"): 2,
        # ... and the profile's owner.
        ("/user/susan", "cold"): 4,
        ("/user/susan", "warm"): 3,
        # The user, and the form's own copy of it.
        ("/edit_profile", "cold"): 2,
        ("/edit_profile", "warm"): 2,
    }


def test_a_profile_reads_its_authors_newest_posts_in_order_from_an_index(user):
    """However many posts the author has, the newest are read in order: no sort of them all."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner sorts small tables instead: the plan is SQLite's here")
    PostFactory.create_batch(3, author=user)

    plan = user.posts.listed().explain()

    assert "post_author_newest" in plan
    assert "TEMP B-TREE" not in plan
