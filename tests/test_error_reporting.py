"""Error reports in one process: request ids, the throttle, and what the email may not contain."""

import re
import uuid
from ipaddress import ip_network

import pytest
from django.test import Client

from microblog.errors.models import ErrorGroup, Occurrence
from microblog.errors.reporter import SafeExceptionReporterFilter
from tests.test_log_file import read_log

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_short_request_id(client):
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]

    assert re.fullmatch(r"[0-9a-f]{8}", first)
    assert first != second


def test_a_visitors_own_request_id_is_replaced(client):
    incoming = str(uuid.uuid4())

    response = client.get("/login", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{8}", response.headers["X-Request-ID"])


@pytest.fixture
def from_proxy(settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.2")]
    return Client(REMOTE_ADDR="10.0.0.2")


def test_a_trusted_proxys_well_formed_request_id_is_kept(from_proxy):
    incoming = str(uuid.uuid4())

    response = from_proxy.get("/login", headers={"X-Request-ID": incoming})

    assert response.headers["X-Request-ID"] == incoming


@pytest.mark.parametrize("incoming", ["<script>", "x" * 300, "abc def", "../../etc"])
def test_a_trusted_proxys_odd_request_id_is_replaced(from_proxy, incoming):
    response = from_proxy.get("/login", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{8}", response.headers["X-Request-ID"])


def test_500_page_shows_the_reference_that_the_email_carries(staff_client, sent_emails):
    response = staff_client.get("/errors/test")

    request_id = response.headers["X-Request-ID"]
    assert f"Error reference: <code>{request_id}</code>" in response.text
    [email] = sent_emails()
    assert email.subject.endswith(f"RuntimeError at /errors/test [req {request_id}]")


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


def test_the_email_carries_no_settings(staff_client, sent_emails, settings):
    settings.REDIS_URL = "redis://:redis-secret-value@cache.example.com:6379/0"

    staff_client.get("/errors/test")

    [email] = sent_emails()
    for setting in ["REDIS_URL", "INSTALLED_APPS", "AUTH_USER_MODEL", "redis-secret-value"]:
        assert setting not in email.body


SECRET_QUERY = {
    "password": "pw-in-url-2f1c",
    "token": "tok-SECRET-123",
    "api_key": "api-key-value-77",
    "access_token": "access-token-value",
}


@pytest.fixture
def failed_with_secret_query(staff_client, sent_emails):
    """A failing request whose URL and Referer carry secrets, as sign-in and reset links do."""
    query = "&".join(f"{name}={value}" for name, value in SECRET_QUERY.items())
    staff_client.get(
        f"/errors/test?{query}&q=visible-query",
        headers={"Referer": "https://elsewhere.example/page?token=referer-token-value&x=1"},
    )
    [email] = sent_emails()
    [occurrence] = Occurrence.objects.all()
    return {"email": email.body, "Errors admin": occurrence.report, "log": read_log()}


@pytest.mark.parametrize("name", [*SECRET_QUERY, "referer token"])
def test_secret_query_parameters_reach_no_report(failed_with_secret_query, name):
    value = SECRET_QUERY.get(name, "referer-token-value")

    for where, text in failed_with_secret_query.items():
        assert value not in text, f"{name} leaked into the {where}"


def test_harmless_query_parameters_stay_in_the_report(failed_with_secret_query):
    report = failed_with_secret_query["email"]

    assert "q=visible-query" in report  # the path
    assert "GET q = visible-query" in report  # the parameters
    assert "x=1" in report  # the Referer
    assert "token=********************" in report
    assert "GET token = ********************" in report


def test_a_next_url_carrying_a_token_is_hidden_too(staff_client, sent_emails):
    staff_client.get("/errors/test", {"next": "/reset?token=nested-token-value", "q": "seen"})

    [email] = sent_emails()
    assert "nested-token-value" not in email.body
    assert "GET next = /reset?token=********************" in email.body


@pytest.mark.parametrize(
    "field", ["password", "new_password1", "api_token", "secret_answer", "apiKey", "X-Auth-Token"]
)
def test_post_fields_with_secret_names_are_hidden(staff_client, sent_emails, field):
    staff_client.post("/errors/test", {field: "field-value-0451"})

    [email] = sent_emails()
    assert "field-value-0451" not in email.body
    assert f"POST {field} = ********************" in email.body


@pytest.mark.parametrize("field", ["author", "capital", "keyboard", "about_me"])
def test_post_fields_that_merely_contain_a_secret_word_stay_visible(
    staff_client, sent_emails, field
):
    staff_client.post("/errors/test", {field: "field-value-0451"})

    [email] = sent_emails()
    assert f"POST {field} = field-value-0451" in email.body


def admin_link(email):
    found = re.search(r"^This error in the admin:\n(\S+)$", email.body, re.MULTILINE)
    return found and found.group(1)


def test_error_email_links_to_the_admin_at_the_site_url(staff_client, sent_emails, settings):
    settings.SITE_URL = "https://microblog.example.com"

    staff_client.get("/errors/test", headers={"Host": "127.0.0.1"})

    [email] = sent_emails()
    group = ErrorGroup.objects.get()
    assert (
        admin_link(email)
        == f"https://microblog.example.com/admin/errors/errorgroup/{group.pk}/change/"
    )


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("microblog.example.com", "http://microblog.example.com"),
        ("microblog.example.com:9999", "http://microblog.example.com"),  # never the port
    ],
)
def test_without_site_url_the_link_takes_a_host_that_allowed_hosts_names(
    staff_client, sent_emails, settings, host, site
):
    settings.ALLOWED_HOSTS = ["microblog.example.com"]

    staff_client.get("/errors/test", headers={"Host": host})

    [email] = sent_emails()
    assert admin_link(email).startswith(f"{site}/admin/errors/errorgroup/")


@pytest.mark.parametrize("allowed", [["*"], [".example.com"]])
def test_a_host_admitted_only_by_a_wildcard_gets_no_link(
    staff_client, sent_emails, settings, allowed
):
    settings.ALLOWED_HOSTS = allowed

    response = staff_client.get("/errors/test", headers={"Host": "attacker.example.com"})

    [email] = sent_emails()
    assert response.status_code == 500
    assert admin_link(email) is None
    assert "attacker.example.com/admin" not in email.body


TOO_MANY_FIELDS = {f"field{n}": "x" for n in range(1001)}


def test_a_request_the_reporter_cannot_read_is_still_emailed(client, sent_emails):
    response = client.get("/login", TOO_MANY_FIELDS)

    [email] = sent_emails()
    assert response.status_code == 400
    assert f"[req {response.headers['X-Request-ID']}]" in email.subject
    assert "The request could not be read for this report" in email.body
    assert "TooManyFieldsSent" in email.body


SECRET_HEADERS = {
    "Cf-Access-Jwt-Assertion": "cf-jwt-value",
    "X-Goog-Iap-Jwt-Assertion": "iap-jwt-value",
    "X-Pwd": "pwd-header-value",
    "X-Otp": "otp-header-value",
    "X-Credential": "credential-header-value",
    "X-Bearer": "bearer-header-value",
    "X-Anything-Else": "unknown-header-value",
}


def test_only_allowlisted_headers_show_their_values(staff_client, sent_emails):
    staff_client.get(
        "/errors/test", headers={**SECRET_HEADERS, "User-Agent": "agent-visible", "Accept": "a/b"}
    )

    [email] = sent_emails()
    for name, value in SECRET_HEADERS.items():
        assert value not in email.body
        assert f"  {name}: ********************" in email.body
    assert "  User-Agent: agent-visible" in email.body
    assert "  Accept: a/b" in email.body


@pytest.mark.parametrize("name", ["pw", "pwd", "passcode", "pin", "privatekey", "userPin"])
def test_widened_secret_names_are_hidden(staff_client, sent_emails, name):
    staff_client.get("/errors/test", {name: "hidden-0451"})

    [email] = sent_emails()
    assert "hidden-0451" not in email.body


def test_the_request_url_hides_what_the_get_table_hides(staff_client, sent_emails):
    staff_client.get("/errors/test?passwd=first-part;second-part&x=1;token=nested-part")

    [email] = sent_emails()
    for part in ["first-part", "second-part", "nested-part"]:
        assert part not in email.body
