import logging
from logging.handlers import RotatingFileHandler

import pytest
from django.conf import settings
from django.test import Client

from microblog.log import SafeExceptionReporterFilter, build_logging
from tests.factories import UserFactory


def read_log():
    log_file = settings.LOG_DIR / "microblog.log"
    return log_file.read_text() if log_file.exists() else ""


def file_handler():
    [handler] = [h for h in logging.getLogger("django").handlers if h.name == "file"]
    return handler


def test_log_file_rotates_by_size_as_in_the_chapter():
    handler = file_handler()

    assert isinstance(handler, RotatingFileHandler)
    assert handler.baseFilename == str(settings.LOG_DIR / "microblog.log")
    assert (handler.maxBytes, handler.backupCount) == (10 * 1024, 10)
    assert handler.level == logging.INFO


def test_log_directory_is_created_if_missing(tmp_path):
    build_logging(tmp_path / "new" / "logs")

    assert (tmp_path / "new" / "logs").is_dir()


def test_file_handler_comes_before_mail_so_errors_reach_disk_first():
    names = [h.name for h in logging.getLogger("django").handlers]

    assert names.index("file") < names.index("mail_admins")


@pytest.mark.django_db
def test_not_found_is_logged_as_warning_in_chapter_format(client):
    client.get("/no/such/page")

    last = read_log().splitlines()[-1]
    assert " WARNING: Not Found: /no/such/page [in " in last


@pytest.mark.django_db
def test_bad_host_is_logged_but_never_emailed(mailoutbox):
    response = Client(HTTP_HOST="evil.example").get("/login")

    assert response.status_code == 400
    assert mailoutbox == []
    assert (
        "Invalid HTTP_HOST header: 'evil.example'"
        in (settings.LOG_DIR / "microblog.log").read_text()
    )


@pytest.mark.django_db
def test_error_email_hides_csrf_and_password_fields_of_any_view(mailoutbox):
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    client.force_login(UserFactory(is_staff=True))
    client.cookies["csrftoken"] = "csrf-cookie-value-0123456789abcdef"

    client.post("/errors/test", {"password": "pw-value", "csrfmiddlewaretoken": "form-token"})

    [email] = mailoutbox
    for value in ["pw-value", "form-token", "csrf-cookie-value", client.cookies["sessionid"].value]:
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


def test_runserver_access_log_is_neither_emailed_nor_in_the_log_file(mailoutbox):
    logging.getLogger("django.server").error('"GET /errors/test HTTP/1.1" 500 550')

    assert mailoutbox == []
    assert "HTTP/1.1" not in read_log()
