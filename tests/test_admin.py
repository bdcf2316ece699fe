import pytest

from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


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

    by_text = staff_client.get("/admin/microblog/post/", {"q": "needle"}).text
    by_author = staff_client.get("/admin/microblog/post/", {"q": "anthony"}).text

    assert "needle in a haystack" in by_text and "something else" not in by_text
    assert "needle in a haystack" in by_author and "something else" not in by_author


def test_non_staff_cannot_use_the_admin(logged_in):
    assert logged_in.get("/admin/").status_code == 302
