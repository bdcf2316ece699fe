from datetime import timedelta
from hashlib import md5

import pytest
from django.utils import timezone

from accounts.models import User
from tests.factories import USER_BACKEND, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_shows_avatar_about_me_last_seen_and_posts(logged_in, other_user):
    other_user.about_me = "Hello from Anthony"
    other_user.last_seen = timezone.now()
    other_user.save()
    PostFactory(author=other_user, body="anthony's post")
    PostFactory(body="someone else's post")

    response = logged_in.get("/user/anthony")

    digest = md5(b"anthony@example.com").hexdigest()
    assert f"https://www.gravatar.com/avatar/{digest}?d=identicon&amp;s=128" in response.text
    assert "User: anthony" in response.text
    assert "Hello from Anthony" in response.text
    assert "Last seen on:" in response.text
    assert "anthony&#39;s post" in response.text
    assert "someone else" not in response.text


def test_edit_link_only_on_own_profile(logged_in, other_user):
    assert "Edit your profile" in logged_in.get("/user/susan").text
    assert "Edit your profile" not in logged_in.get("/user/anthony").text


def test_unknown_user_gets_custom_404_in_layout(logged_in):
    response = logged_in.get("/user/nobody")

    assert response.status_code == 404
    assert "File Not Found" in response.text
    assert 'href="/user/susan"' in response.text  # the site's nav, for the logged-in user


def test_last_seen_is_recorded_on_request(logged_in, user):
    logged_in.get("/")

    user.refresh_from_db()
    assert timezone.now() - user.last_seen < timedelta(seconds=5)


def test_last_seen_is_written_at_most_once_a_minute(client):
    recently = timezone.now() - timedelta(seconds=30)
    user = UserFactory(last_seen=recently)
    client.force_login(user, backend=USER_BACKEND)

    client.get("/user/nobody")

    assert User.objects.get(pk=user.pk).last_seen == recently


def test_avatar_url_uses_lowercased_email_md5():
    user = User(email="Susan@Example.com")

    digest = md5(b"susan@example.com").hexdigest()
    assert user.avatar(36) == f"https://www.gravatar.com/avatar/{digest}?d=identicon&s=36"


@pytest.mark.parametrize(
    "name", ["%00", "x%00y", "a%0Ab", "%F0%9F%98%80", "x" * 2000, "..%2F..%2Fetc"]
)
def test_profile_of_an_odd_name_is_a_plain_404(logged_in, name):
    response = logged_in.get(f"/user/{name}")

    assert response.status_code == 404
    assert "File Not Found" in response.text


@pytest.mark.parametrize("name", ["ANTHONY", "Anthony"])
def test_profile_address_in_other_case_redirects_permanently(logged_in, other_user, name):
    response = logged_in.get(f"/user/{name}", follow=True)

    assert response.redirect_chain == [("/user/anthony", 301)]
    assert "User: anthony" in response.text
