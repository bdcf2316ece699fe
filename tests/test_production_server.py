"""gunicorn serves the site with DEBUG off: static files, its own TLS, or behind a TLS proxy."""

import re
import subprocess
import urllib.request

import pytest

from microblog.demo import DEMO_PASSWORD
from tests.site import Browser, running_site

pytestmark = pytest.mark.slow


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, headers=None):
    """One request, redirects not followed: returns (status, headers, body)."""
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_static_files_are_served_hashed_and_compressed(tmp_path):
    with running_site(tmp_path) as site:
        _, _, page = fetch(site.url + "/login")
        [css] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.decode())

        status, headers, _ = fetch(site.url + css, {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_gunicorn_serves_tls_itself(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-days",
            "1",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    tls = ["--certfile", cert, "--keyfile", key]
    with running_site(
        tmp_path, scheme="https", gunicorn_args=tls, SECURE_SSL_REDIRECT="on"
    ) as site:
        browser = Browser(site.url)
        browser.log_in("susan", DEMO_PASSWORD)  # the session cookie is Secure: HTTPS works

        status, page = browser.get("/user/susan")

    assert status == 200
    assert "User: susan" in page


@pytest.mark.parametrize("redirect", ["on", "off"])
def test_behind_tls_proxy_plain_http_redirect_is_a_setting(tmp_path, redirect):
    with running_site(tmp_path, SECURE_SSL_REDIRECT=redirect) as site:
        plain = fetch(site.url + "/login")
        proxied = fetch(site.url + "/login", {"X-Forwarded-Proto": "https"})

    assert proxied[0] == 200
    if redirect == "on":
        assert plain[0] == 301
        assert plain[1]["Location"].startswith("https://127.0.0.1")
    else:
        assert plain[0] == 200
