import pytest

from accounts.models import USERNAME_TAKEN, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def register(client, **fields):
    data = {
        "username": "bob",
        "email": "bob@example.com",
        "password1": "a-long-secret-1",
        "password2": "a-long-secret-1",
    }
    return client.post("/register", data | fields, follow=True)


def test_register_creates_user_and_sends_to_login(client):
    response = register(client)

    assert response.redirect_chain == [("/login", 302)]
    assert "Congratulations, you are now a registered user!" in response.text
    user = User.objects.get(username="bob")
    assert user.email == "bob@example.com"
    assert user.check_password("a-long-secret-1")


def test_registered_user_can_log_in(client):
    register(client)

    response = client.post("/login", {"username": "bob", "password": "a-long-secret-1"})

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("name", ["anthony", "Anthony", "ANTHONY", "  anthony  "])
def test_register_with_taken_name_in_any_case_shows_form_error(client, other_user, name):
    response = register(client, username=name)

    assert response.status_code == 200
    assert USERNAME_TAKEN in response.text
    assert User.objects.count() == 1


def test_register_with_nfkc_lookalike_of_taken_name_is_refused(client, other_user):
    # Fullwidth letters normalise (NFKC) to plain "anthony".
    response = register(client, username="ａｎｔｈｏｎｙ")

    assert USERNAME_TAKEN in response.text
    assert User.objects.count() == 1


def test_register_with_taken_email_in_any_case_shows_form_error(client):
    UserFactory(email="bob@example.com")

    response = register(client, email="BOB@Example.com")

    assert "Please use a different email address." in response.text
    assert not User.objects.filter(username="bob").exists()


def test_register_strips_whitespace_around_username(client):
    register(client, username="  bob  ")

    assert User.objects.filter(username="bob").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
        ("bad name!", "Enter a valid username."),
        ("", "This field is required."),
    ],
)
def test_register_with_invalid_username_shows_clear_error(client, name, message):
    response = register(client, username=name)

    assert response.status_code == 200
    assert message in response.text
    assert not User.objects.exists()


def test_register_with_mismatched_passwords_shows_error(client):
    response = register(client, password2="something-else-2")

    assert "The two password fields didn’t match." in response.text
    assert not User.objects.exists()


def test_register_keeps_what_was_typed_on_error(client, other_user):
    response = register(client, username="anthony", email="kept@example.com")

    assert 'value="kept@example.com"' in response.text


def test_logged_in_user_is_sent_home_from_register(logged_in):
    response = logged_in.get("/register")

    assert response.status_code == 302
    assert response.url == "/"
