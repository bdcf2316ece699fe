"""Chapter 7's story end to end, in a real browser (Debian's chromium, driven by Playwright),
against the production server with DEBUG off. Screenshots go to test-artifacts/."""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.site import ROOT, break_table, running_site

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = ROOT / "test-artifacts"
# Headless, and quiet: this machine reaches no network but its own.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set, but no chromium is installed")
        pytest.skip(
            "no chromium found, so the browser tests did not run (apt-get install chromium)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def register(page, username, password):
    page.goto("/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password confirmation").fill(password)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Congratulations, you are now a registered user!")).to_be_visible()


def test_chapter_7_in_a_real_browser(tmp_path, smtp_server, chromium):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url) as site:
        page = chromium.new_page(base_url=site.url)
        register(page, "alice", "alice-long-password-1")
        register(page, "bob", "bob-long-password-2")
        screenshot(page, "1-registered")

        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("alice-long-password-1")
        page.get_by_role("button", name="Sign In").click()
        expect(page.get_by_role("heading", name="Hi, alice!")).to_be_visible()

        # Rename to the other user's name, in other capitals: a form error, nothing changed.
        page.get_by_role("link", name="Profile").click()
        page.get_by_role("link", name="Edit your profile").click()
        page.get_by_label("Username").fill("Bob")
        page.get_by_label("About me").fill("This must not be saved")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Please use a different username.")).to_be_visible()
        screenshot(page, "2-rename-refused")
        page.goto("/user/alice")
        expect(page.get_by_role("heading", name="User: alice")).to_be_visible()
        expect(page.get_by_text("This must not be saved")).to_have_count(0)

        # An unknown profile: the custom 404, inside the site's layout.
        response = page.goto("/user/nobody")
        assert response.status == 404
        expect(page.get_by_role("heading", name="File Not Found")).to_be_visible()
        expect(page.get_by_role("button", name="Logout")).to_be_visible()
        screenshot(page, "3-not-found")

        # A server fault: the custom 500 page, with a reference the admin's email carries too.
        break_table(site.database_url, "microblog_post")
        response = page.goto("/user/bob")
        assert response.status == 500
        expect(page.get_by_role("heading", name="An unexpected error has occurred")).to_be_visible()
        reference = re.search(r"Error reference: (\w+)", page.inner_text("main")).group(1)
        screenshot(page, "4-server-error")

        [email] = smtp_server.wait_for(1)
        assert email["Subject"].endswith(f"Internal Server Error: /user/bob [req {reference}]")
        assert "microblog_post" in email.get_body(preferencelist=("plain",)).get_content()
