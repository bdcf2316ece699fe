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


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.faulty_urls")
def test_failing_post_gets_custom_500_and_rolls_back_its_writes():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    response = client.post("/fail-after-write")

    assert response.status_code == 500
    assert "An unexpected error has occurred" in response.text
    assert not Post.objects.exists()
    # The next request works as usual.
    assert client.get("/").status_code == 200


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
