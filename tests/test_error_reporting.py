"""Error reports in one process: request ids, the throttle, and what the email may not contain."""

import re
import uuid

import pytest

from microblog.errors.reporter import SafeExceptionReporterFilter

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_short_request_id(client):
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{8}", first)
    assert first != second


def test_well_formed_incoming_request_id_is_kept(client):
    incoming = str(uuid.uuid4())

    response = client.get("/login", headers={"X-Request-ID": incoming})

    assert response.headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["<script>", "x" * 300, "abc def", "../../etc"])
def test_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/login", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{8}", response.headers["X-Request-ID"])


def test_500_page_shows_the_reference_that_the_email_carries(staff_client, sent_emails):
    response = staff_client.get("/errors/test")

    request_id = response.headers["X-Request-ID"]
    assert f"Error reference: <code>{request_id}</code>" in response.text
    [email] = sent_emails()
    assert email.subject.endswith(f"Internal Server Error: /errors/test [req {request_id}]")


def test_repeats_of_one_error_send_one_email(staff_client, sent_emails):
    for _ in range(3):
        assert staff_client.get("/errors/test").status_code == 500

    assert len(sent_emails()) == 1


@pytest.mark.urls("tests.faulty_urls")
def test_different_errors_each_send_an_email(staff_client, sent_emails):
    staff_client.get("/errors/test")
    staff_client.post("/errors/test")  # the same error, reached another way: held back
    staff_client.post("/fail-after-write")
    staff_client.get("/user/nobody")  # a 404: logged, not emailed

    subjects = [email.subject for email in sent_emails()]
    assert len(subjects) == 2
    assert "/errors/test" in subjects[0]
    assert "/fail-after-write" in subjects[1]


def test_when_the_cache_is_down_the_email_is_sent_anyway(staff_client, sent_emails, settings):
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    staff_client.get("/errors/test")
    staff_client.get("/errors/test")

    assert len(sent_emails()) == 2


def test_error_email_hides_csrf_and_password_fields_of_any_view(staff_client, sent_emails):
    staff_client.cookies["csrftoken"] = "csrf-cookie-value-0123456789abcdef"

    staff_client.post("/errors/test", {"password": "pw-value", "csrfmiddlewaretoken": "form-token"})

    [email] = sent_emails()
    for value in [
        "pw-value",
        "form-token",
        "csrf-cookie-value",
        staff_client.cookies["sessionid"].value,
    ]:
        assert value not in email.body


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgres://app:s3cret@db:5432/app", "postgres://app:********************@db:5432/app"),
        (
            "smtp+tls://me%40x.org:pw@mail:587",
            "smtp+tls://me%40x.org:********************@mail:587",
        ),
        ("https://example.com/path", "https://example.com/path"),
    ],
)
def test_passwords_inside_urls_are_masked(value, expected):
    assert SafeExceptionReporterFilter().cleanse_setting("SOME_URL", value) == expected


def test_password_in_a_url_setting_is_masked_in_the_email(staff_client, sent_emails, settings):
    settings.REDIS_URL = "redis://:redis-secret-value@cache.example.com:6379/0"

    staff_client.get("/errors/test")

    [email] = sent_emails()
    assert "redis-secret-value" not in email.body
    assert "redis://:********************@cache.example.com:6379/0" in email.body
