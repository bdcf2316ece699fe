import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client

from microblog.posts.models import Post
from tests.factories import USER_BACKEND, UserFactory


@pytest.mark.django_db
def test_unknown_page_gets_custom_404_in_site_layout(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "File Not Found" in response.text
    assert '<a class="brand" href="/">Microblog</a>' in response.text
    assert 'href="/login"' in response.text


def test_500_page_renders_without_any_context():
    """Django renders 500.html with an empty context: no request, no user, no database."""
    page = render_to_string("500.html")

    assert "An unexpected error has occurred" in page
    assert '<a class="brand" href="/">Microblog</a>' in page
    assert "/static/css/site.css" in page


class RecordingMiddleware:
    """A middleware of someone else's, appended to MIDDLEWARE: what Django showed it."""

    seen = []

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        self.seen.append(f"exception: {exception}")

    def process_template_response(self, request, response):
        self.seen.append(f"template response: {response.template_name}")
        return response


@pytest.fixture
def recording_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_error_pages.RecordingMiddleware"]
    RecordingMiddleware.seen = []
    return RecordingMiddleware.seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.faulty_urls")
@pytest.mark.parametrize("path", ["/fail-after-write", "/fail-after-write-async"])
def test_failing_post_gets_custom_500_and_rolls_back_its_writes(recording_middleware, path):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(), backend=USER_BACKEND)

    response = client.post(path)

    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.text
    assert not Post.objects.exists()
    assert recording_middleware == ["exception: failure after a database write"]
    # The next request works as usual.
    assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.faulty_urls")
def test_a_view_marked_non_atomic_keeps_its_writes_when_it_fails():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(), backend=USER_BACKEND)

    response = client.post("/fail-after-write-outside-a-transaction")

    assert response.status_code == 500
    assert Post.objects.filter(body="written by a request that then fails").exists()


@pytest.mark.django_db
def test_other_middleware_still_see_the_template_response_of_a_post(recording_middleware):
    response = Client().post("/login", {"username": "nobody", "password": "wrong"})

    assert "Please enter a correct username and password." in response.text
    assert recording_middleware == ["template response: ['registration/login.html']"]


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
