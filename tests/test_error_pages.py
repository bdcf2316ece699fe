import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from accounts.models import User
from microblog.errors.safety_net import SafetyNet
from tests.factories import USER_BACKEND, UserFactory
from tests.test_log_file import read_log


def test_500_page_renders_without_any_context():
    """Django renders 500.html with an empty context: no request, no user, no database."""
    page = render_to_string("500.html")

    assert "An unexpected error has occurred" in page
    assert '<a class="brand" href="/">Microblog</a>' in page
    assert "/static/css/site.css" in page


def fail_after_saving(*args):
    raise RuntimeError("failure after the form was saved")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("path", "form", "written"),
    [
        ("/edit_profile", {"username": "renamed", "about_me": ""}, {"username": "renamed"}),
        (
            "/register",
            {
                "username": "newbie",
                "email": "newbie@example.com",
                "password1": "x-Pass-9731",
                "password2": "x-Pass-9731",
            },
            {"username": "newbie"},
        ),
    ],
)
def test_a_form_that_fails_after_saving_gets_the_500_page_and_nothing_is_kept(
    monkeypatch, path, form, written
):
    client = Client(raise_request_exception=False)
    if path == "/edit_profile":
        client.force_login(UserFactory(username="susan"), backend=USER_BACKEND)
    monkeypatch.setattr("accounts.views.messages.success", fail_after_saving)

    response = client.post(path, form)

    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.text
    assert not User.objects.filter(**written).exists()


@pytest.mark.django_db
def test_staff_can_raise_a_test_error_others_cannot(client):
    client.raise_request_exception = False
    client.force_login(UserFactory(is_staff=True), backend=USER_BACKEND)
    assert client.get("/errors/test").status_code == 500

    client.force_login(UserFactory(), backend=USER_BACKEND)
    response = client.get("/errors/test")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/errors/404", "/errors/500"])
def test_error_previews_do_not_exist_with_debug_off(client, path):
    assert client.get(path).status_code == 404


def lock_out(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/login", {"username": "susan", "password": "wrong"})
    return response


def raise_an_error(client):
    client.force_login(UserFactory(is_staff=True), backend=USER_BACKEND)
    return client.get("/errors/test")


# Every error a visitor can meet that Django answers (the server's 408 and 413 are in
# test_production_failures.py), and what its page says.
ERRORS = {
    "a host the site does not serve": (
        400,
        lambda client: client.get("/login", headers={"host": "evil.example"}),
        "Bad request",
    ),
    # More fields than Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
    "a form over Django's limits": (
        400,
        lambda client: client.post("/login", {f"field{n}": "x" for n in range(1001)}),
        "Bad request",
    ),
    "a page the visitor may not see": (
        403,
        lambda client: client.get("/forbidden"),
        "Forbidden",
    ),
    "a form without its CSRF token": (
        403,
        lambda client: Client(enforce_csrf_checks=True).post("/login", {"username": "x"}),
        "This form has expired",
    ),
    "an unknown address": (404, lambda client: client.get("/no/such/page"), "File Not Found"),
    "a GET of what takes a POST": (
        405,
        lambda client: client.get("/logout"),
        "This address does not take that kind of request",
    ),
    "a locked-out login": (429, lock_out, "Too many failed sign-ins"),
    "a fault of the site": (500, raise_an_error, "An unexpected error has occurred"),
}


@pytest.mark.django_db
@pytest.mark.urls("tests.faulty_urls")  # and /forbidden
@pytest.mark.parametrize(("status", "send", "heading"), ERRORS.values(), ids=ERRORS.keys())
def test_every_error_page_is_in_the_layout_with_its_reference_and_a_way_back(status, send, heading):
    response = send(Client(raise_request_exception=False))

    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"<h1>{heading}</h1>" in response.text
    assert '<a class="brand" href="/">Microblog</a>' in response.text  # the site's layout
    assert f"Error reference: <code>{response.headers['X-Request-ID']}</code>" in response.text
    assert '<a href="/">Back to the home page</a>' in response.text


@pytest.mark.django_db
def test_the_405_page_keeps_the_methods_the_address_takes(client):
    response = client.get("/logout")

    assert response["Allow"] == "POST, OPTIONS"


@pytest.mark.django_db
def test_what_escapes_djangos_handler_still_gets_the_500_page_a_reference_and_a_log_line(
    sent_emails,
):
    def broken_application(environ, start_response):
        raise RuntimeError("failed outside Django's handler")

    answered = []
    body = SafetyNet(broken_application)(
        {"PATH_INFO": "/somewhere", "REQUEST_METHOD": "GET"},
        lambda status, headers: answered.extend([status, dict(headers)]),
    )

    status, headers = answered
    request_id = headers["X-Request-ID"]
    assert status == "500 Internal Server Error"
    assert f"Error reference: <code>{request_id}</code>" in b"".join(body).decode()
    assert f"[req {request_id}]" in read_log()
    assert "RuntimeError: failed outside Django's handler" in read_log()
    [email] = sent_emails()
    assert f"[req {request_id}]" in email.subject


@pytest.mark.django_db
def test_without_admins_the_500_page_claims_nobody_was_told(staff_client, settings):
    settings.ADMINS = []

    response = staff_client.get("/errors/test")

    assert response.status_code == 500
    assert "The administrator has been notified" not in response.text
    assert "Sorry for the inconvenience!" in response.text
