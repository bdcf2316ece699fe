import pytest
from django.template.loader import render_to_string
from django.test import Client

from microblog.posts.models import Post
from tests.factories import UserFactory


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
    client.force_login(UserFactory())

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
    client.force_login(UserFactory())

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
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/errors/test").status_code == 500

    client.force_login(UserFactory())
    response = client.get("/errors/test")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/errors/404", "/errors/500"])
def test_error_previews_do_not_exist_with_debug_off(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_form_without_csrf_token_gets_friendly_403_in_layout():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert '<a class="brand" href="/">Microblog</a>' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "send",
    [
        lambda client: client.get("/login", headers={"host": "evil.example"}),
        # More fields than Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000).
        lambda client: client.post("/login", {f"field{n}": "x" for n in range(1001)}),
    ],
    ids=["a host the site does not serve", "a form over Django's limits"],
)
def test_a_request_django_refuses_gets_a_400_page_in_layout_with_its_reference(send):
    response = send(Client(raise_request_exception=False))

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text
    assert "/static/css/site" in response.text  # the site's layout
    assert f"Error reference: <code>{response.headers['X-Request-ID']}</code>" in response.text
