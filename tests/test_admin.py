import pytest

from accounts.models import USERNAME_TAKEN, User
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_staff_search_users_and_see_about_me_and_last_seen(staff_client, other_user):
    response = staff_client.get("/admin/accounts/user/", {"q": "anthony"})

    assert "anthony@example.com" in response.text
    assert "Last seen" in response.text
    assert "boss@example.com" not in response.text
    edit_page = staff_client.get(f"/admin/accounts/user/{other_user.pk}/change/")
    assert "About me" in edit_page.text


def test_staff_search_posts_by_text_and_author(staff_client, other_user):
    PostFactory(author=other_user, body="needle in a haystack")
    PostFactory(body="something else")

    by_text = staff_client.get("/admin/posts/post/", {"q": "needle"}).text
    by_author = staff_client.get("/admin/posts/post/", {"q": "anthony"}).text

    assert "needle in a haystack" in by_text and "something else" not in by_text
    assert "needle in a haystack" in by_author and "something else" not in by_author


def test_non_staff_cannot_use_the_admin(logged_in):
    response = logged_in.get("/admin/")

    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/"


def test_staff_cannot_rename_a_user_to_a_taken_name_in_other_case(staff_client, user, other_user):
    response = staff_client.post(
        f"/admin/accounts/user/{other_user.pk}/change/",
        {"username": "SUSAN", "email": other_user.email, "is_active": "on", "about_me": ""},
    )

    assert USERNAME_TAKEN in response.text
    other_user.refresh_from_db()
    assert other_user.username == "anthony"


def test_staff_cannot_add_a_user_with_a_taken_name_in_other_case(staff_client, user):
    password = "a-long-secret-1"
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "Susan",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )

    assert USERNAME_TAKEN in response.text
    assert User.objects.count() == 2  # susan and the staff user
