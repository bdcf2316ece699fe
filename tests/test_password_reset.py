"""A way back in: Django's password reset, in the site's layout, that tells nobody which addresses
have accounts, floods no inbox, and ends the login lockout of the user who set a new password."""

import re

import pytest
from django.conf import settings

from accounts.views import TOO_MANY_RESETS
from tests.factories import UserFactory
from tests.test_lockout import LIMIT, LOCKED_OUT, fail, is_logged_in, log_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-and-long-password-7"


def ask_for_reset(client, email="susan@example.com"):
    return client.post("/password_reset/", {"email": email}, follow=True)


def reset_link(email):
    return re.search(r"https?://[^/\s]+(/reset/\S+/)", email.body).group(1)


def set_new_password(client, link):
    form_page = client.get(link, follow=True)  # Django moves the token out of the URL first
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


@pytest.fixture
def susan(db):
    return UserFactory(username="susan", email="susan@example.com")


def test_the_sign_in_page_offers_a_password_reset(client):
    page = client.get("/login").text

    assert 'Forgot Your Password? <a href="/password_reset/">' in page


def test_a_reset_email_lets_the_user_set_a_new_password_and_sign_in(client, susan, sent_emails):
    done = ask_for_reset(client)
    [email] = sent_emails()
    complete = set_new_password(client, reset_link(email))

    assert "Check Your Email" in done.text
    assert email.to == ["susan@example.com"]
    assert email.subject == "Reset your microblog password"
    assert "Dear susan," in email.body
    assert "Password Set" in complete.text
    log_in(client, "susan", NEW_PASSWORD)
    assert is_logged_in(client)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, susan, sent_emails):
    known = ask_for_reset(client, "susan@example.com")
    unknown = ask_for_reset(client, "nobody@example.com")

    assert unknown.text == known.text
    assert len(sent_emails()) == 1


def test_resets_over_the_limit_are_refused_with_a_clear_error_and_no_email(
    client, susan, sent_emails
):
    for _ in range(settings.PASSWORD_RESET_LIMIT):
        ask_for_reset(client)

    refused = ask_for_reset(client)

    assert refused.status_code == 429
    assert TOO_MANY_RESETS in refused.text
    assert len(sent_emails()) == settings.PASSWORD_RESET_LIMIT


def test_a_new_password_ends_the_lockout_of_its_username(client, susan, sent_emails):
    *_, locked_out = fail(client, "susan", LIMIT)
    assert LOCKED_OUT in locked_out.text
    assert 'href="/password_reset/"' in locked_out.text  # the lockout page leads here

    ask_for_reset(client)
    set_new_password(client, reset_link(sent_emails()[0]))
    log_in(client, "susan", NEW_PASSWORD)

    assert is_logged_in(client)


def test_with_site_url_the_link_goes_to_the_site_whatever_host_the_request_named(
    client, susan, sent_emails, settings
):
    settings.SITE_URL = "https://microblog.example.com"
    settings.ALLOWED_HOSTS = ["microblog.example.com", "attacker.example.net"]

    client.post(
        "/password_reset/", {"email": "susan@example.com"}, headers={"host": "attacker.example.net"}
    )

    [email] = sent_emails()
    assert "https://microblog.example.com/reset/" in email.body
    assert "attacker" not in email.body
