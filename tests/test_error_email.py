"""With DEBUG off, an unhandled error reaches the admins by real email and the log file."""

import re

import pytest

from microblog.demo import DEMO_PASSWORD
from tests.site import Browser, free_port, running_site

pytestmark = pytest.mark.slow


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_unhandled_error_gives_500_page_one_email_and_a_log_line(tmp_path, smtp_server):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        browser = Browser(site.url)
        browser.log_in("admin", DEMO_PASSWORD)

        status, page = browser.get("/errors/test")

        assert status == 500
        assert "An unexpected error has occurred" in page
        [email] = smtp_server.wait_for(1)
        assert email["To"] == "admin@example.com"
        assert email["From"] == "microblog@example.com"
        assert "ERROR" in email["Subject"]
        assert "Internal Server Error: /errors/test" in email["Subject"]
        body = body_of(email)
        assert "Traceback (most recent call last):" in body
        assert "Exception Value: Test error requested by admin" in body
        assert re.search(
            r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR: Internal Server Error: /errors/test "
            r"\[in .+:\d+\]$",
            site.log(),
            re.MULTILINE,
        )
        assert "RuntimeError: Test error requested by admin" in site.log()


def test_startup_is_logged_once_in_the_chapter_format(tmp_path):
    with running_site(tmp_path, EMAIL_URL="consolemail://") as site:
        Browser(site.url).get("/login")
        startups = re.findall(
            r"^.* INFO: Microblog startup \[in .+wsgi\.py:\d+\]$", site.log(), re.M
        )

    assert len(startups) == 1


def test_error_email_and_log_carry_no_secrets(tmp_path, smtp_server):
    secrets = {
        "password": "hunter2-password",
        "new_password1": "another-password",
        "api_token": "token-value-123",
        "secret_answer": "secret-value-456",
        "license_key": "key-value-789",
    }
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        browser = Browser(site.url)
        browser.log_in("admin", DEMO_PASSWORD)
        status, _ = browser.post(
            "/errors/test?q=visible-query",
            secrets | {"about_me": "visible-field"},
            headers={"Authorization": "Bearer authorization-value"},
        )
        assert status == 500
        [email] = smtp_server.wait_for(1)
        leaked_by = {
            "session cookie": browser.cookie("sessionid"),
            "CSRF token": browser.cookie("csrftoken"),
            "Authorization header": "authorization-value",
            **secrets,
        }
        for where, text in {"email": body_of(email), "log": site.log()}.items():
            for what, value in leaked_by.items():
                assert value not in text, f"{what} leaked into the {where}"
        # The report is still useful: ordinary request data is there.
        assert "visible-field" in body_of(email)
        assert "visible-query" in body_of(email)


def test_with_mail_server_down_users_still_get_500_page_and_log_has_error(tmp_path):
    dead = f"smtp://127.0.0.1:{free_port()}"
    with running_site(tmp_path, EMAIL_URL=dead) as site:
        browser = Browser(site.url)
        browser.log_in("admin", DEMO_PASSWORD)

        status, page = browser.get("/errors/test")

        assert status == 500
        assert "An unexpected error has occurred" in page
        assert "ERROR: Internal Server Error: /errors/test" in site.log()
        assert "ConnectionRefusedError" in site.stderr()
        # The worker survived: the site still answers.
        assert browser.get("/")[0] == 200
