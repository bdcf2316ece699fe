"""The lookups that every page view runs are compiled once per process (microblog/prepared.py),
and still read what the database holds now, converted as the ORM would."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from accounts.models import User, user_with_pk, user_with_username
from microblog.posts.lists import posts_by_author, recent_posts, what_a_list_shows
from microblog.posts.models import Post
from microblog.prepared import PreparedQuery
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_layout_shows_a_rename_made_elsewhere_at_once(logged_in, user):
    assert "Hi, susan!" in logged_in.get("/").text

    User.objects.filter(pk=user.pk).update(username="susanna")

    page = logged_in.get("/").text
    assert "Hi, susanna!" in page
    assert 'href="/user/susanna"' in page


def test_a_prepared_lookup_gives_the_user_the_orm_gives(user):
    user.last_seen = timezone.now()
    user.save()
    expected = User.objects.get(pk=user.pk)

    for found in (user_with_pk.first(user.pk), user_with_username.first("SUSAN")):
        assert found == expected
        assert found.last_seen == expected.last_seen  # a datetime, converted as the ORM does
        assert found.is_active is True
        assert found.about_me == expected.about_me

    assert user_with_pk.first(user.pk + 1000) is None
    assert user_with_username.first("nobody") is None


# Names that a lookup compiled once must still match exactly as the ORM does: LIKE's wildcards,
# its escape character, upper case and letters beyond ASCII.
ODD_NAMES = ["a_b", "axb", "a%b", "aXYb", "back\\slash", "ÉMILE", "Straße"]


def test_every_prepared_query_gives_what_the_orm_gives_for_odd_values():
    for name in ODD_NAMES:
        author = UserFactory(username=name, email=f"{len(User.objects.all())}@example.com")
        PostFactory(author=author, body=f"100% {name}_post")

    for name in [*ODD_NAMES, "A_B", "a%", "%", "_", "émile", "STRASSE"]:
        expected = User.objects.with_username(name).first()
        assert user_with_username.first(name) == expected, name
    for user in User.objects.all():
        assert user_with_pk.first(user.pk) == user
        orm = what_a_list_shows(Post.objects.filter(author_id=user.pk))
        assert posts_by_author.rows(user.pk) == list(orm)
    assert recent_posts.rows() == list(what_a_list_shows(Post.objects.all()))


def test_a_query_with_a_constant_of_its_own_is_refused(user):
    named_susan = PreparedQuery(lambda pk: User.objects.filter(pk=pk, username="susan"), int)

    with pytest.raises(ImproperlyConfigured, match="exactly as given, and no constant"):
        named_susan.rows(user.pk)


def test_a_boolean_constant_never_takes_the_place_of_a_value_equal_to_it(user):
    """True == 1: matched by equality, pk's value went where is_active's True was."""
    active = PreparedQuery(lambda pk: User.objects.filter(pk=pk, is_active=True), int)

    if connection.vendor == "sqlite":  # a parameter there: refused
        with pytest.raises(ImproperlyConfigured, match="exactly as given, and no constant"):
            active.rows(user.pk)
    else:  # PostgreSQL's SQL says `WHERE "is_active"`: nothing to bind wrong
        assert active.rows(user.pk) == list(User.objects.filter(pk=user.pk).values_list())


def test_a_lookup_that_transforms_its_value_as_it_compiles_is_refused(user):
    # On SQLite, iexact is LIKE with the value escaped once, at compile time; on PostgreSQL the
    # value is passed as given, as UPPER(...) = UPPER(%s), which is sound.
    by_name = PreparedQuery(lambda name: User.objects.filter(username__iexact=name), str)

    if connection.vendor == "sqlite":
        with pytest.raises(ImproperlyConfigured, match="exactly as given, and no constant"):
            by_name.rows("a_b")
    else:
        assert by_name.first("SUSAN") == user


def test_a_value_of_another_type_than_declared_is_refused(user):
    with pytest.raises(TypeError, match="takes values of the types"):
        user_with_pk.rows(True)
