"""Settings come from the environment; DEBUG decides what developers, and only they, can reach."""

import pytest
from django.core import mail
from django.core.mail.backends.smtp import EmailBackend

from livesite import PRODUCTION_SECRET_KEY, manage
from microblog.settings import mailer_from_url

PROBE = """
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
client = Client(raise_request_exception=False)
print("toolbar app:", "debug_toolbar" in settings.INSTALLED_APPS)
print("toolbar middleware:", any("debug_toolbar" in m for m in settings.MIDDLEWARE))
for path in ["/errors/404", "/errors/500", "/__debug__/render_panel/"]:
    response = client.get(path)
    print(path, response.status_code, "File Not Found" in response.text,
          "An unexpected error has occurred" in response.text)
"""


def probe(tmp_path, **env):
    database = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    done = manage("shell", "-c", PROBE, ALLOWED_HOSTS="testserver", DATABASE_URL=database, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_debug_on_gives_developers_toolbar_and_error_page_previews(tmp_path):
    out = probe(tmp_path, DEBUG="on")

    assert "toolbar app: True" in out
    assert "toolbar middleware: True" in out
    assert "/errors/404 404 True False" in out
    assert "/errors/500 500 False True" in out


def test_debug_off_has_no_toolbar_and_no_previews(tmp_path):
    env = {"DEBUG": "off", "SECRET_KEY": PRODUCTION_SECRET_KEY, "LOG_DIR": tmp_path}
    env["STATIC_ROOT"] = tmp_path / "static"  # pages with DEBUG off need the collected files
    collected = manage("collectstatic", "--noinput", **env)
    assert collected.returncode == 0, collected.stderr

    out = probe(tmp_path, **env)

    assert "toolbar app: False" in out
    assert "toolbar middleware: False" in out
    # Unknown URLs: the custom 404 page.
    assert "/errors/404 404 True False" in out
    assert "/errors/500 404 True False" in out
    assert "/__debug__/render_panel/ 404 True False" in out


def test_debug_off_with_development_secret_key_refuses_to_start():
    done = manage("check", DEBUG="off")  # SECRET_KEY comes from .env

    assert done.returncode != 0
    assert "DEBUG is off but SECRET_KEY is the development key from .env" in done.stderr


@pytest.mark.parametrize("url", ["", "postgres//user:secret-password@db/microblog"])
def test_a_database_url_that_names_no_database_is_refused_with_a_clear_message(url):
    done = manage("check", DATABASE_URL=url)

    assert done.returncode != 0
    assert "microblog: DATABASE_URL names no database. Set it to a URL such as" in done.stderr
    assert "Traceback" not in done.stderr
    assert "secret-password" not in done.stderr


def test_real_environment_wins_over_dotenv():
    done = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ADMINS)",
        ADMINS="ops@example.com,dev@example.com",
    )

    assert "['ops@example.com', 'dev@example.com']" in done.stdout


def test_deploy_check_is_clean_for_the_readme_production_environment(tmp_path):
    readme_environment = {
        "DEBUG": "off",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "ALLOWED_HOSTS": "microblog.example.com",
        "DATABASE_URL": "postgres://microblog:password@db.example.com:5432/microblog",
        "EMAIL_URL": "smtp+tls://user:password@mail.example.com:587",
        "ADMINS": "ops@example.com",
        "SECURE_SSL_REDIRECT": "on",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "on",
        "SECURE_HSTS_PRELOAD": "on",
        "TRUSTED_PROXIES": "10.0.0.2",
        "SITE_URL": "https://microblog.example.com",
    }

    done = manage(
        "check", "--deploy", "--fail-level", "WARNING", LOG_DIR=tmp_path, **readme_environment
    )

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_email_url_maps_onto_mailers_smtp_options(settings):
    url = "smtp+tls://user%40example.com:p%40ss@mail.example.com:587"
    settings.MAILERS = {"default": mailer_from_url(url)}

    backend = mail.mailers.default
    assert isinstance(backend, EmailBackend)
    assert (backend.host, backend.port) == ("mail.example.com", 587)
    assert (backend.username, backend.password) == ("user@example.com", "p@ss")
    assert backend.use_tls and not backend.use_ssl


def test_a_site_url_that_is_not_a_scheme_and_host_stops_the_start(tmp_path):
    done = manage(
        "check",
        DEBUG="off",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        LOG_DIR=tmp_path,
        SITE_URL="microblog.example.com/admin",
    )

    assert done.returncode != 0
    assert "SITE_URL must be the site's scheme and host" in done.stderr
