"""`make production` serves the site, DEBUG off: static files, its own TLS, or behind a proxy."""

import os
import re
import signal
import subprocess
import sys
import urllib.request

import pytest
from granian import Granian

from livesite import (
    ROOT,
    NoRedirects,
    SiteClient,
    free_port,
    manage,
    prepare,
    production_env,
    running_site,
    scratch_database,
    site_env,
    wait_for_port,
)
from microblog.posts.demo import DEMO_PASSWORD
from microblog.server import Server, check_granian_internals

pytestmark = pytest.mark.slow


def fetch(url, headers=None):
    """One request, redirects not followed: returns (status, headers, body)."""
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_static_files_are_served_hashed_and_compressed(shared_site):
    _, _, page = fetch(shared_site.url + "/login")
    [css] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page.decode())

    status, headers, _ = fetch(shared_site.url + css, {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_every_page_names_the_sites_icon_so_browsers_ask_for_no_favicon_ico(shared_site):
    _, _, page = fetch(shared_site.url + "/login")
    [icon] = re.findall(r'<link rel="icon" href="(/static/[^"]+)"', page.decode())

    status, headers, _ = fetch(shared_site.url + icon)

    assert status == 200
    assert headers["Content-Type"].startswith("image/svg+xml")


def test_server_terminates_tls_itself_with_certificate_and_key_from_the_environment(tmp_path):
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
    tls = {"TLS_CERTIFICATE": cert, "TLS_KEY": key}
    with running_site(tmp_path, scheme="https", SECURE_SSL_REDIRECT="on", **tls) as site:
        browser = SiteClient(site.url)
        browser.log_in("susan", DEMO_PASSWORD)  # the session cookie is Secure: HTTPS works

        status, page = browser.get("/user/susan")

    assert status == 200
    assert "User: susan" in page


def test_served_directly_a_clients_forwarded_proto_is_ignored(tmp_path):
    with running_site(tmp_path, SECURE_SSL_REDIRECT="on") as site:
        status, headers, _ = fetch(site.url + "/login", {"X-Forwarded-Proto": "https"})

    assert status == 301
    assert headers["Location"].startswith("https://127.0.0.1")


def test_behind_a_named_tls_proxy_plain_http_is_redirected_and_proxied_https_served(tmp_path):
    with running_site(tmp_path, SECURE_SSL_REDIRECT="on", TRUSTED_PROXIES="127.0.0.1") as site:
        plain = fetch(site.url + "/login")
        proxied = fetch(site.url + "/login", {"X-Forwarded-Proto": "https"})
        # The same name with underscores, which a client could send past the proxy.
        posing = fetch(site.url + "/login", {"X_Forwarded_Proto": "https"})

    assert proxied[0] == 200
    assert plain[0] == 301
    assert posing[0] == 301
    assert plain[1]["Location"].startswith("https://127.0.0.1")


def test_forms_and_names_beyond_ascii_arrive_as_sent(shared_site):
    """What the server passes to Django: a form's body, cookies, a percent-encoded path."""
    password = "a-long-secret-1"
    browser = SiteClient(shared_site.url)
    form = {"email": "jose@example.com", "password1": password, "password2": password}
    browser.post("/register", {"username": "josé", **form})
    browser.log_in("josé", password)
    status, page = browser.get("/user/jos%C3%A9")

    assert status == 200
    assert "User: josé" in page


def test_a_sibling_sites_cookie_beyond_ascii_keeps_the_user_logged_in(shared_site):
    browser = SiteClient(shared_site.url)
    browser.log_in("susan", DEMO_PASSWORD)
    # "café" as UTF-8, as a browser sends a cookie another site of the domain set: http.client
    # sends each character of a header as one latin-1 byte.
    theirs = "café".encode().decode("latin-1")

    status, _, page = fetch(
        shared_site.url + "/index", {"Cookie": f"{browser.cookie_header()}; theme={theirs}"}
    )

    assert status == 200
    assert "Hi, susan!" in page.decode()


def test_make_production_migrates_collects_and_serves_with_access_log(tmp_path):
    """The README's production command, as an operator runs it."""
    port = free_port()
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", PORT=port)
    stdout = tmp_path / "stdout"
    with stdout.open("w") as out:
        server = subprocess.Popen(
            ["make", "production"],
            cwd=ROOT,
            env=site_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, server, timeout=120)
            status, headers, page = fetch(f"http://127.0.0.1:{port}/login")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)

    assert status == 200
    assert re.search(rb'href="/static/css/site\.[0-9a-f]{12}\.css"', page)
    request_id = headers["X-Request-ID"]
    assert re.search(rf'"GET /login" 200 [\d.]+ms req={request_id}$', stdout.read_text(), re.M)


def refused_start(**env):
    """Run `make production` with `env` as the real environment: its exit code and output."""
    done = subprocess.run(
        ["make", "production"],
        cwd=ROOT,
        env=site_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout


def test_production_start_refuses_debug_that_only_dotenv_asks_for(tmp_path):
    # DEBUG is not set in the real environment: .env would turn it on.
    returncode, output = refused_start(LOG_DIR=tmp_path, PORT=free_port())

    assert returncode != 0
    assert "DEBUG is on only because the development .env says so" in output


def test_production_start_refuses_the_development_secret_key(tmp_path):
    # SECRET_KEY is not set in the real environment: .env's development key would be used.
    returncode, output = refused_start(DEBUG="off", LOG_DIR=tmp_path, PORT=free_port())

    assert returncode != 0
    assert "SECRET_KEY is the development key from .env" in output


def test_production_start_allows_debug_asked_for_in_the_real_environment(tmp_path):
    done = manage("check", PRODUCTION_SERVER="on", DEBUG="on", LOG_DIR=tmp_path)

    assert done.returncode == 0, done.stderr


def test_log_to_stdout_sends_the_log_lines_there_instead_of_the_file(tmp_path):
    with running_site(tmp_path, LOG_TO_STDOUT="on", EMAIL_URL="consolemail://") as site:
        fetch(site.url + "/no/such/page")

    assert not (tmp_path / "logs" / "microblog.log").exists()
    assert re.search(r" WARNING: \[req \w+\] Not Found: /no/such/page \[in ", site.stdout())


@pytest.mark.parametrize("renamed", ["signal_handler_interrupt", "main_loop_interrupt"])
def test_a_granian_without_what_the_server_takes_from_it_stops_the_start(monkeypatch, renamed):
    checked = Server("microblog.bridge:application")
    owner = next(c for c in [checked, *Granian.__mro__] if renamed in vars(c))
    monkeypatch.delattr(owner, renamed)

    with pytest.raises(SystemExit, match="check Server against this granian release"):
        check_granian_internals(checked)


FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("GET", "/login?a=b", None, "text/plain; charset=rot13"),
        ("POST", "/login", "username=susan".encode("utf-16"), f"{FORM}; charset=utf-16"),
    ],
    ids=["a query in a charset that is no text encoding", "a form in UTF-16"],
)
def test_a_request_django_cannot_decode_gets_the_400_page_and_a_log_line(
    shared_site, method, path, body, content_type
):
    request = urllib.request.Request(
        shared_site.url + path, body, {"Content-Type": content_type}, method=method
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310

    page = refused.value.read().decode()
    request_id = refused.value.headers["X-Request-ID"]
    assert refused.value.code == 400
    assert f"Error reference: <code>{request_id}</code>" in page
    assert refused.value.headers["Content-Security-Policy"]
    assert f"[req {request_id}]" in shared_site.log()


def test_production_start_refuses_a_staff_account_with_the_demo_password(tmp_path):
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    prepare(env, ["migrate"], ["seed_demo"])  # as `make run` seeds it

    done = manage("prepare_production", **env)

    assert done.returncode != 0
    assert (
        "The staff account 'admin' has the demo password that the README publishes" in done.stderr
    )
    assert "python manage.py changepassword admin" in done.stderr


def test_production_start_without_admins_warns_that_error_emails_go_to_nobody(tmp_path):
    with running_site(tmp_path, ADMINS="") as site:
        SiteClient(site.url).get("/login")
        log = site.log()

    assert "WARNING: ADMINS is empty: error emails go to nobody" in log


def test_hosts_starting_at_once_on_one_fresh_database_all_migrate_and_start(tmp_path):
    """Three hosts' `make production` preparation, at the same moment, on one new database."""
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("hosts share a PostgreSQL database: runs on PostgreSQL (CI)")
    with scratch_database(tmp_path) as database_url:
        hosts = [
            subprocess.Popen(
                [sys.executable, "manage.py", "prepare_production"],
                cwd=ROOT,
                env=site_env(**production_env(tmp_path / f"host{n}", database_url)),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(3)
        ]
        finished = [host.communicate(timeout=120) for host in hosts]

    for host, (_, errors) in zip(hosts, finished, strict=True):
        assert host.returncode == 0, errors
