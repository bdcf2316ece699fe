"""With DEBUG off, an unhandled error reaches the admins by real email and the log file, without
slowing the user's 500 page, flooding the inbox or leaking credentials."""

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from livesite import (
    STAFF_PASSWORD,
    SiteClient,
    break_table,
    drop_database,
    free_port,
    repair_table,
    running_site,
)

pytestmark = pytest.mark.slow


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def reference_on(page):
    return re.search(r"Error reference: <code>(\w+)</code>", page).group(1)


def admin_browser(site):
    browser = SiteClient(site.url)
    browser.log_in("admin", STAFF_PASSWORD)
    return browser


def test_error_gives_500_page_with_reference_one_email_and_log_line(tmp_path, smtp_server):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url, RELEASE="r123") as site:
        status, page = admin_browser(site).get("/errors/test")

        [request_id] = re.findall(r"Error reference: <code>(\w+)</code>", page)
        assert status == 500
        assert "An unexpected error has occurred" in page
        [email] = smtp_server.wait_for(1)
        assert email["To"] == "admin@example.com"
        assert email["From"] == "microblog@example.com"
        # (.strip(): the folded header's first line is empty, as a mail client never shows)
        assert email["Subject"].strip() == (
            f"[microblog production r123] RuntimeError at /errors/test [req {request_id}]"
        )
        body = body_of(email)
        assert "Traceback (most recent call last):" in body
        assert "builtins.RuntimeError: Test error requested by admin" in body
        assert re.search(
            r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR: "
            rf"\[req {request_id}\] Internal Server Error: /errors/test \[in .+:\d+\]$",
            site.log(),
            re.MULTILINE,
        )
        assert "RuntimeError: Test error requested by admin" in site.log()


def test_the_email_leads_with_a_whole_link_then_the_traceback_then_the_request(
    tmp_path, smtp_server
):
    with running_site(
        tmp_path, EMAIL_URL=smtp_server.url, SITE_URL="https://microblog.example.com"
    ) as site:
        admin_browser(site).get("/errors/test?q=1")
        [email] = smtp_server.wait_for(1)

    body = body_of(email)
    label, link = body.splitlines()[:2]
    assert label == "This error in the admin:"
    assert re.fullmatch(
        r"https://microblog\.example\.com/admin/errors/errorgroup/\d+/change/", link
    ), link
    # As it arrived: no quoted-printable soft break ("=" at a line's end) cuts the link.
    assert email["Content-Transfer-Encoding"] in ("7bit", "8bit")
    assert link in email.as_string()
    order = [link, "Traceback (most recent call last)", '"microblog/errors/views.py"', "Request:"]
    positions = [body.find(text) for text in order]
    assert -1 not in positions and positions == sorted(positions)
    assert "  User-Agent: Python-urllib" in body
    assert "INSTALLED_APPS" not in body
    assert "EXTERNAL" not in email["Subject"]


def test_startup_is_logged_once_with_environment_and_release(tmp_path):
    env = {"EMAIL_URL": "consolemail://", "ENVIRONMENT": "staging", "RELEASE": "r123"}
    with running_site(tmp_path, **env) as site:
        SiteClient(site.url).get("/login")
        startups = re.findall(
            r"^.* INFO: Microblog startup \(environment staging, release r123\) "
            r"\[in .+wsgi\.py:\d+\]$",
            site.log(),
            re.MULTILINE,
        )

    assert len(startups) == 1


def test_error_email_errors_admin_and_log_carry_no_secrets(tmp_path, smtp_server):
    secrets = {
        "password": "hunter2-password",
        "new_password1": "another-password",
        "api_token": "token-value-123",
        "secret_answer": "secret-value-456",
        "license_key": "key-value-789",
    }
    in_url = {"password": "url-password-1", "token": "tok-SECRET-123", "api_key": "url-key-2"}
    query = "&".join(f"{name}={value}" for name, value in in_url.items())
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        browser = admin_browser(site)
        status, _ = browser.post(
            f"/errors/test?q=visible-query&{query}",
            secrets | {"about_me": "visible-field", "author": "visible-author"},
            headers={
                "Authorization": "Bearer authorization-value",
                "Referer": f"{site.url}/login?next=/x&token=referer-token-value",
            },
        )
        assert status == 500
        [email] = smtp_server.wait_for(1)
        admin_path = re.search(r"This error in the admin:\r?\nhttp://[^/]+(\S+)", body_of(email))
        _, admin_page = browser.get(admin_path.group(1))
        leaked_by = {
            "session cookie": browser.cookie("sessionid"),
            "CSRF token": browser.cookie("csrftoken"),
            "Authorization header": "authorization-value",
            "Referer": "referer-token-value",
            **secrets,
            **{f"{name} in the URL": value for name, value in in_url.items()},
        }
        where = {"email": body_of(email), "Errors admin": admin_page, "log": site.log()}
        for place, text in where.items():
            for what, value in leaked_by.items():
                assert value not in text, f"{what} leaked into the {place}"
        # The report is still useful: ordinary request data is there.
        for visible in ["visible-field", "visible-author", "visible-query"]:
            assert visible in body_of(email)
            assert visible in admin_page


def test_slow_mail_server_does_not_hold_up_the_500_page(tmp_path, smtp_server):
    smtp_server.held.clear()  # the mail server answers nothing until we say so
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        status, page = admin_browser(site).get("/errors/test")

        # The user has the page while the email is still waiting for the mail server.
        assert status == 500
        assert "An unexpected error has occurred" in page
        assert smtp_server.messages == []
        # The server stops with the email still queued: it is delivered before the worker exits.
        threading.Timer(1.0, smtp_server.held.set).start()

    assert len(smtp_server.wait_for(1, quiet=0)) == 1


def test_with_mail_server_down_500_page_and_log_still_work_and_failure_is_logged_once(tmp_path):
    dead = f"smtp://127.0.0.1:{free_port()}"
    with running_site(tmp_path, EMAIL_URL=dead) as site:
        browser = admin_browser(site)

        status, page = browser.get("/errors/test")

        assert status == 500
        assert "An unexpected error has occurred" in page
        assert "ERROR: [req " in site.log()
        assert "Internal Server Error: /errors/test" in site.log()
        # The worker survived: the site still answers.
        assert browser.get("/")[0] == 200
    failures = re.findall(r"Could not send the error email to ADMINS: .*Connection", site.log())
    assert len(failures) == 1


def test_many_workers_send_one_email_for_a_burst_of_the_same_error(tmp_path, smtp_server):
    with running_site(tmp_path, workers=3, EMAIL_URL=smtp_server.url) as site:
        browsers = [admin_browser(site) for _ in range(4)]
        with ThreadPoolExecutor(len(browsers)) as pool:
            statuses = list(pool.map(lambda b: b.get("/errors/test")[0], browsers * 3))

        assert statuses == [500] * 12
        assert len(smtp_server.wait_for(1, quiet=2)) == 1
        assert site.log().count("Internal Server Error: /errors/test") == 12


def test_after_the_window_the_next_email_counts_the_repeats(tmp_path, smtp_server):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url, ERROR_EMAIL_WINDOW=2) as site:
        browser = admin_browser(site)
        for _ in range(5):
            browser.get("/errors/test")
        # The window closes (the database cache counts whole seconds).
        [first] = smtp_server.wait_for(1, quiet=3.5)

        browser.get("/errors/test")

        first_again, second = smtp_server.wait_for(2)
    assert "more since the last email" not in first["Subject"]
    assert second["Subject"].endswith("(+4 more since the last email)")


def test_with_redis_the_throttle_is_shared_there(tmp_path, smtp_server, redis_url):
    with running_site(tmp_path, workers=3, EMAIL_URL=smtp_server.url, REDIS_URL=redis_url) as site:
        browsers = [admin_browser(site) for _ in range(4)]
        with ThreadPoolExecutor(len(browsers)) as pool:
            statuses = list(pool.map(lambda b: b.get("/errors/test")[0], browsers * 3))

        assert statuses == [500] * 12
        assert len(smtp_server.wait_for(1, quiet=2)) == 1
    assert redis.Redis.from_url(redis_url).keys("*error-email*")


def test_two_pages_meeting_one_broken_table_are_two_errors_each_emailed(tmp_path, smtp_server):
    """The same library line raises both (the database backend's), but from two views."""
    with running_site(tmp_path, workers=2, EMAIL_URL=smtp_server.url) as site:
        browser = admin_browser(site)
        break_table(site.database_url, "posts_post")
        profile = [browser.get("/user/susan") for _ in range(3)]
        home = browser.get("/")
        first, second = smtp_server.wait_for(2)
        repair_table(site.database_url, "posts_post")

        profile_ref = reference_on(profile[0][1])
        home_ref = reference_on(home[1])
        assert [status for status, _ in profile + [home]] == [500] * 4
        assert first["Subject"].endswith(f" at /user/susan [req {profile_ref}]")
        assert second["Subject"].endswith(f" at / [req {home_ref}]")
        # Each email links to its error in the admin, where the counts and references are.
        link = re.search(
            r"http://127\.0\.0\.1(/admin/errors/errorgroup/\d+/change/)", body_of(second)
        )
        status, page = browser.get(link.group(1))
        assert status == 200 and home_ref in page
        _, found = browser.get(f"/admin/errors/errorgroup/?q={profile_ref}")
        assert "1 result" in found
        _, listing = browser.get("/admin/errors/errorgroup/")
        assert re.search(r'<td class="field-count">3</td>', listing)
        assert re.search(r'<td class="field-count">1</td>', listing)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="takes a database server away: runs on PostgreSQL (CI)",
)
def test_with_the_database_gone_the_500_page_log_and_email_still_happen(tmp_path, smtp_server):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        browser = admin_browser(site)
        drop_database(site.database_url)

        status, page = browser.get("/user/susan")

        assert status == 500
        [email] = smtp_server.wait_for(1)
        assert email["Subject"].endswith(f"[req {reference_on(page)}]")
        assert "This error in the admin" not in body_of(email)
        assert "Internal Server Error: /user/susan" in site.log()
        assert len(re.findall("Could not record the error in the Errors admin", site.log())) == 1


TOO_MANY_FIELDS = {f"field{n}": "x" for n in range(1001)}


def test_a_path_with_line_breaks_starts_no_line_of_the_email(tmp_path, smtp_server):
    forged = "https://evil.example/admin/"
    path = "/admin/x%0A%0AThis%20error%20in%20the%20admin:%0A" + forged + "%0A/"
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        # The CSRF check reads the form, which has too many fields: an error, emailed.
        SiteClient(site.url).post(path, TOO_MANY_FIELDS)
        [email] = smtp_server.wait_for(1)

    body = body_of(email)
    assert "\n" not in email["Subject"]
    assert not re.search(rf"^{re.escape(forged)}", body, re.MULTILINE)
    assert "/admin/x%0A%0AThis%20error" in body  # as the browser's address bar has it


def wait_for_a_new_window(seconds):
    """Wait until just after a window of `seconds` begins (windows are spans of the clock)."""
    time.sleep(seconds - time.time() % seconds + 0.2)


def test_a_burst_of_different_errors_sends_the_budget_then_one_summary(tmp_path, smtp_server):
    pages = ["accounts/user", "posts/post", "errors/errorgroup", "axes/accessattempt", "auth/group"]
    env = {"EMAIL_URL": smtp_server.url, "ERROR_EMAIL_WINDOW": 8, "ERROR_EMAIL_BUDGET": 2}
    with running_site(tmp_path, **env) as site:
        visitor = SiteClient(site.url)
        wait_for_a_new_window(8)
        for page in pages:  # one error of its own for each admin page
            assert visitor.post(f"/admin/{page}/", TOO_MANY_FIELDS)[0] == 400
        first = smtp_server.wait_for(2, quiet=2)
        emails = smtp_server.wait_for(3, timeout=15)

    assert len(first) == 2
    summary = emails[2]
    assert "3 more errors in 3 groups: see the admin" in summary["Subject"]
    assert len(emails) == 3
