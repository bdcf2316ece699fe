"""The lockout of repeated failed logins (accounts/lockout.py, django-axes), on the site's login and
the admin's, as a visitor, an attacker and the staff meet it."""

import datetime
from ipaddress import ip_network

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from tests.factories import PASSWORD, UserFactory
from tests.test_log_file import read_log

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
PER_ADDRESS = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
LOCKED_OUT = "Too many failed sign-ins"
COOLOFF_MINUTES = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


class CountingHasher(MD5PasswordHasher):
    """The tests' hasher, counting the passwords it hashes: a refused login must hash none."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


def from_address(address="10.0.0.5"):
    return Client(REMOTE_ADDR=address)


def log_in(client, username, password=PASSWORD, path="/login", headers=None):
    return client.post(path, {"username": username, "password": password}, headers=headers)


def fail(client, username, times, path="/login", headers=None):
    """`times` wrong passwords; the responses."""
    return [log_in(client, username, "wrong-password", path, headers) for _ in range(times)]


def is_logged_in(client):
    return "Hi, " in client.get("/index").text


def test_the_tenth_wrong_password_locks_the_username_out_and_says_until_when(user):
    client = from_address()
    *before, tenth = fail(client, "susan", LIMIT)

    assert [r.status_code for r in before] == [200] * (LIMIT - 1)
    assert "Please enter a correct username and password" in before[-1].text
    assert tenth.status_code == 429
    assert LOCKED_OUT in tenth.text
    assert f"paused for {COOLOFF_MINUTES} minutes" in tenth.text


def test_a_locked_out_username_is_refused_the_right_password_without_hashing_it(user, hashes):
    client = from_address()
    fail(client, "susan", LIMIT)
    hashes.hashed = 0

    response = log_in(client, "susan")

    assert response.status_code == 429
    assert not is_logged_in(client)
    assert hashes.hashed == 0


def test_the_username_in_another_case_is_the_same_username(user):
    client = from_address()
    fail(client, "SUSAN", LIMIT // 2)
    fail(client, "Susan", LIMIT - LIMIT // 2)

    assert log_in(client, "susan").status_code == 429


def test_other_users_behind_the_same_address_can_still_log_in(user, other_user):
    fail(from_address(), "susan", LIMIT)
    colleague = from_address()

    log_in(colleague, "anthony")

    assert is_logged_in(colleague)


def test_the_same_user_from_another_address_can_still_log_in(user):
    fail(from_address("10.0.0.5"), "susan", LIMIT)
    elsewhere = from_address("10.0.0.6")

    log_in(elsewhere, "susan")

    assert is_logged_in(elsewhere)


def test_a_successful_login_clears_the_count(user):
    client = from_address()
    fail(client, "susan", LIMIT - 1)
    log_in(client, "susan")
    client.post("/logout")

    responses = fail(client, "susan", LIMIT - 1)

    assert {r.status_code for r in responses} == {200}
    log_in(client, "susan")
    assert is_logged_in(client)


def test_after_the_cool_off_the_user_can_log_in_again(user):
    client = from_address()
    fail(client, "susan", LIMIT)
    # As if the cool-off had passed since the last failure.
    past = settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)

    log_in(client, "susan")

    assert is_logged_in(client)


def test_an_address_guessing_ever_new_usernames_is_capped_before_hashing(user, hashes):
    guesser = from_address()
    responses = [log_in(guesser, f"guess{n}", "wrong-password") for n in range(PER_ADDRESS)]
    hashed = hashes.hashed

    assert [r.status_code for r in responses[:-1]] == [200] * (PER_ADDRESS - 1)
    assert responses[-1].status_code == 429
    assert log_in(guesser, "guess-more", "wrong-password").status_code == 429
    assert (
        f"Login locked out for {COOLOFF_MINUTES} minutes: every username from 10.0.0.5"
        in read_log()
    )
    assert log_in(guesser, "susan").status_code == 429
    assert hashes.hashed == hashed
    log_in(from_address("10.0.0.6"), "susan")  # elsewhere, all is well
    assert hashes.hashed == hashed + 1


def test_a_few_typos_in_an_office_lock_nobody_out(user, other_user):
    office = from_address()
    for name in ["susan", "anthony", "SUSAN", "anthonny", "susn"]:
        fail(office, name, 2)

    log_in(office, "susan")

    assert is_logged_in(office)


def test_the_admin_login_is_locked_out_too_with_the_sites_page(db):
    UserFactory(username="boss", is_staff=True)
    client = from_address()
    *_, tenth = fail(client, "boss", LIMIT, path="/admin/login/")

    assert tenth.status_code == 429
    assert LOCKED_OUT in tenth.text
    response = log_in(client, "boss", path="/admin/login/")
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # to the admin's login: not logged in


def test_staff_see_a_lockout_in_the_admin_and_clear_it(user, staff_client):
    client = from_address()
    fail(client, "susan", LIMIT)

    listing = staff_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "susan" in listing.text
    assert "10.0.0.5" in listing.text
    [attempt] = AccessAttempt.objects.all()
    staff_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    log_in(client, "susan")
    assert is_logged_in(client)


def test_a_lockout_is_one_info_line_with_its_request_id_and_no_email(user, sent_emails):
    client = from_address()
    fail(client, "susan", LIMIT - 1)
    before = read_log().splitlines()

    locked = fail(client, "susan", 1)[0]
    log_in(client, "susan")  # refused: its own line (see below)
    before_refusals = read_log().splitlines()
    refused = log_in(client, "susan")

    new = read_log().splitlines()[len(before) :]
    request_id = locked.headers["X-Request-ID"]
    assert [line for line in new if "locked out" in line] == [
        line for line in new if f"[req {request_id}]" in line
    ]
    [line] = [line for line in new if "locked out" in line]
    assert " INFO: " in line
    assert f"Login locked out for {COOLOFF_MINUTES} minutes: username 'susan' from 10.0.0.5" in line
    assert read_log().splitlines()[len(before_refusals) :] == []  # a later refusal adds none
    assert refused.status_code == 429
    assert sent_emails() == []


def test_the_first_refused_try_of_a_lockout_has_its_reference_in_the_log(user):
    client = from_address()
    fail(client, "susan", LIMIT)

    refused = log_in(client, "susan")

    request_id = refused.headers["X-Request-ID"]
    assert refused.status_code == 429
    assert f"Error reference: <code>{request_id}</code>" in refused.text
    [line] = [line for line in read_log().splitlines() if f"[req {request_id}]" in line]
    assert "INFO: " in line
    assert "Login refused during a lockout: username 'susan' from 10.0.0.5" in line


def test_an_attempt_keeps_no_password_token_or_form_data(user):
    client = Client(REMOTE_ADDR="10.0.0.5", enforce_csrf_checks=True)
    client.get("/login")
    token = client.cookies["csrftoken"].value
    form = {"username": "susan", "password": "my-secret-guess", "csrfmiddlewaretoken": token}
    client.post("/login?next=/index&token=url-secret", form)

    [attempt] = AccessAttempt.objects.all()
    stored = " ".join(str(value) for value in attempt.__dict__.values())
    assert attempt.username == "susan"
    for secret in ["my-secret-guess", token, "url-secret"]:
        assert secret not in stored


def fail_forwarded(client, forwarded_for, times):
    return fail(client, "susan", times, headers={"X-Forwarded-For": forwarded_for})


def test_a_client_cannot_escape_the_lockout_by_saying_it_is_someone_else(user):
    client = from_address("203.0.113.9")
    for n in range(LIMIT):
        fail_forwarded(client, f"198.51.100.{n}", 1)

    assert log_in(client, "susan").status_code == 429


def test_behind_a_named_proxy_each_client_is_counted_at_its_own_address(user, settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.2/32")]
    proxy = from_address("10.0.0.2")
    # The proxy appends the address it saw; what a client wrote before it doesn't count.
    fail_forwarded(proxy, "1.2.3.4, 198.51.100.7", LIMIT)

    assert fail_forwarded(proxy, "198.51.100.7", 1)[0].status_code == 429
    assert fail_forwarded(proxy, "198.51.100.7, 198.51.100.8", 1)[0].status_code == 200
    assert AccessAttempt.objects.get(ip_address="198.51.100.7").failures_since_start == LIMIT
