import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import aauthenticate, aget_user
from django.test import Client, RequestFactory

from accounts.forms import LoginForm
from tests.factories import PASSWORD, USER_BACKEND

pytestmark = pytest.mark.django_db


def log_in(client, username="susan", password=PASSWORD, **extra):
    return client.post("/login", {"username": username, "password": password, **extra})


def test_login_page_has_remember_me_and_csrf(client):
    response = client.get("/login")

    assert "Remember me" in response.text
    assert "csrfmiddlewaretoken" in response.text


def test_what_one_visitor_typed_never_shows_in_anothers_sign_in_form(client, user):
    refused = log_in(client, username="susan", password="wrong-password")
    assert 'value="susan"' in refused.text

    page = Client().get("/login").text

    assert 'name="username"' in page
    assert "susan" not in page
    assert "Please enter a correct username" not in page


def csrf_token(page):
    return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_login_with_the_pages_csrf_token_passes_the_csrf_check(user):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login").text

    response = log_in(client, csrfmiddlewaretoken=csrf_token(page))

    assert response.status_code == 302
    assert response.url == "/"


def test_login_sends_user_home(client, user):
    response = log_in(client)

    assert response.status_code == 302
    assert response.url == "/"
    assert "Hi, susan!" in client.get("/").text


def test_login_accepts_name_in_other_case(client, user):
    response = log_in(client, username="SUSAN")

    assert response.status_code == 302 and response.url == "/"
    assert "Hi, susan!" in client.get("/").text


def test_wrong_password_shows_error_and_stays_logged_out(client, user):
    response = log_in(client, password="wrong")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.text
    assert "both fields may be case-sensitive" not in response.text  # usernames are not
    assert client.get("/").url == "/login?next=/"


def test_without_remember_me_session_ends_with_browser(client, user):
    log_in(client)

    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


def test_with_remember_me_session_outlives_browser(client, user):
    log_in(client, remember_me="on")

    assert client.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_home_requires_login_and_keeps_next(client):
    response = client.get("/index")

    assert response.status_code == 302
    assert response.url == "/login?next=/index"


def test_login_follows_next_on_this_site(client, user):
    response = log_in(client, next="/edit_profile")

    assert response.url == "/edit_profile"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http:\\\\evil.example", "javascript:x"]
)
def test_login_never_redirects_off_site(client, user, target):
    response = log_in(client, next=target)

    assert response.status_code == 302
    assert response.url == "/"


def test_logout_is_a_post_from_the_layout(logged_in):
    page = logged_in.get("/").text
    assert 'action="/logout"' in page

    assert logged_in.get("/logout").status_code == 405
    response = logged_in.post("/logout")

    assert response.status_code == 302 and response.url == "/"
    assert logged_in.get("/").url == "/login?next=/"


def test_logged_in_user_is_sent_home_from_login(logged_in):
    assert logged_in.get("/login").url == "/"


@pytest.mark.parametrize("field", ["username", "password"])
def test_null_character_in_login_gets_clear_error(client, user, field):
    response = log_in(client, **{field: "sus\x00an"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text


def test_async_sign_in_takes_the_name_in_any_case(user):
    request = RequestFactory().post("/login")  # the lockout counts per request's address
    assert async_to_sync(aauthenticate)(request, username="SUSAN", password=PASSWORD) == user
    assert async_to_sync(aauthenticate)(request, username="SUSAN", password="wrong") is None


def test_async_session_lookup_finds_the_logged_in_user_and_refuses_an_inactive_one(client, user):
    client.force_login(user, backend=USER_BACKEND)
    request = RequestFactory().get("/")
    request.session = client.session

    assert async_to_sync(aget_user)(request) == user
    user.is_active = False
    user.save()
    assert async_to_sync(aget_user)(request).is_anonymous


def test_the_empty_sign_in_form_shows_as_django_renders_it_on_every_visit():
    expected = LoginForm().render()

    pages = [Client().get("/login").text for _ in range(2)]  # the second from the cache

    assert all(expected in page for page in pages)
