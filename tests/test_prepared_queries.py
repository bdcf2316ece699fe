"""The lookups that every page view runs are compiled once per process (microblog/prepared.py),
and still read what the database holds now, converted as the ORM would."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.models import User, user_with_pk, user_with_username
from microblog.prepared import PreparedQuery

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


def test_a_query_with_a_constant_of_its_own_is_refused():
    named_susan = PreparedQuery(lambda pk: User.objects.filter(pk=pk, username="susan"), 0)

    with pytest.raises(ImproperlyConfigured, match="takes no constants"):
        named_susan.first(1)
