"""In a real browser (Debian's chromium, driven by Playwright): chapter 7's story end to end against
the production server with DEBUG off, and every page under the Content Security Policy, the debug
toolbar's with DEBUG on included. Screenshots go to test-artifacts/."""

import os
import re
import shutil
import time

import pytest
from playwright.sync_api import expect, sync_playwright

from livesite import ROOT, STAFF_PASSWORD, break_table, development_site, running_site
from microblog.posts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = ROOT / "test-artifacts"
# A staff member's laptop: what the admin's pages must fit.
SCREEN = {"width": 1280, "height": 900}
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


# Every violation the page reports (the browser blocked something the policy forbids), passed to
# the test through reportViolation(): the listener is added before any of the page's own code runs.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => window.reportViolation(
    `${location.pathname}: ${event.effectiveDirective} blocked ${event.blockedURI}`));
"""


@pytest.fixture
def watched_page(chromium):
    """A function giving a new page of a site, and the list of CSP violations its pages report."""
    violations = []
    contexts = []

    def new_page(base_url):
        context = chromium.new_context(base_url=base_url, viewport=SCREEN)
        context.expose_function("reportViolation", lambda violation: violations.append(violation))
        context.add_init_script(REPORT_VIOLATIONS)
        contexts.append(context)
        return context.new_page()

    yield new_page, violations
    for context in contexts:
        context.close()


def screenshot(page, name, full_page=True):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=full_page)


def log_in(page, username, password):
    sign_in_with(page, username, password)
    expect(page.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


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

        log_in(page, "alice", "alice-long-password-1")

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
        break_table(site.database_url, "posts_post")
        response = page.goto("/user/bob")
        assert response.status == 500
        expect(page.get_by_role("heading", name="An unexpected error has occurred")).to_be_visible()
        reference = re.search(r"Error reference: (\w+)", page.inner_text("main")).group(1)
        screenshot(page, "4-server-error")

        [email] = smtp_server.wait_for(1)
        assert email["Subject"].endswith(f" at /user/bob [req {reference}]")
        assert "posts_post" in email.get_body(preferencelist=("plain",)).get_content()


SITE_PAGES = ["/register", "/user/susan", "/edit_profile", "/user/nobody", "/errors/test"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/?q=susan",
    "/admin/accounts/user/add/",
    "/admin/posts/post/",
    "/admin/posts/post/add/",
    "/admin/auth/group/add/",
]
# Change pages, reached from their list by the first row's link.
ADMIN_CHANGE_PAGES = ["/admin/accounts/user/", "/admin/posts/post/"]


def test_no_page_breaks_the_content_security_policy(tmp_path, watched_page):
    with running_site(tmp_path, EMAIL_URL="consolemail://") as site:
        new_page, violations = watched_page
        page = new_page(site.url)
        response = page.goto("/login")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        log_in(page, "admin", STAFF_PASSWORD)
        for path in SITE_PAGES + ADMIN_PAGES:
            page.goto(path, wait_until="networkidle")
            expect(page.locator("body")).not_to_be_empty()
        for path in ADMIN_CHANGE_PAGES:
            page.goto(path)
            page.locator("#result_list tbody th a").first.click()
            page.wait_for_load_state("networkidle")
            expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
        # A scripted widget of the admin: the two-list chooser of a user's groups, with its filter.
        page.goto("/admin/accounts/user/?q=susan")
        page.locator("#result_list tbody th a").first.click()
        expect(page.locator("#id_groups_input")).to_be_visible()
        screenshot(page, "5-admin-under-csp")
        assert violations == []

        # The watch itself works: an inline script, which the policy forbids, is reported.
        page.goto("/user/susan")
        with pytest.raises(Exception, match="script"):
            page.add_script_tag(content="document.title = 'inline'")
        page.wait_for_timeout(200)
        assert violations == ["/user/susan: script-src-elem blocked inline"]


def test_debug_toolbar_works_under_the_content_security_policy(tmp_path, watched_page):
    with development_site(tmp_path) as site:
        new_page, violations = watched_page
        page = new_page(site.url)
        response = page.goto("/login")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        log_in(page, "susan", DEMO_PASSWORD)

        # Collapsed to its handle until opened.
        expect(page.locator("#djDebugToolbar")).to_be_hidden()
        page.locator("#djShowToolBarButton").click()
        # The panel's content is fetched and shown by the toolbar's own script.
        page.get_by_role("link", name="SQL").click()
        expect(page.locator("#SQLPanel")).to_contain_text("SELECT")
        screenshot(page, "6-debug-toolbar-under-csp")

    assert violations == []


# A form of `fields` fields named f0, f1, ... of `size` characters each, posted to /login with the
# page's CSRF token, as a page of another kind might post it (run by Playwright, not the page).
POST_FORM = """([fields, size]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = "/login";
    const token = document.querySelector("[name=csrfmiddlewaretoken]");
    form.append(token.cloneNode());
    for (let n = 0; n < fields; n++) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = `f${n}`;
        input.value = "x".repeat(size);
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""


def post_form(page, fields, size):
    page.goto("/login")
    with page.expect_navigation() as navigation:
        page.evaluate(POST_FORM, [fields, size])
    return navigation.value


def sign_in_with(page, username, password):
    page.goto("/login")
    return submit_sign_in(page, username, password)


def submit_sign_in(page, username, password):
    """Fill and send the sign-in form open in `page`: the response it navigates to."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign In").click()
    return navigation.value


def post_without_csrf_cookie(page):
    page.goto("/login")
    page.context.clear_cookies()
    return submit_sign_in(page, "susan", DEMO_PASSWORD)


# The site of the error pages' test locks a username out after this many failures, not 10.
LOGIN_FAILURE_LIMIT = 2


def lock_out(page):
    for _ in range(LOGIN_FAILURE_LIMIT):
        response = sign_in_with(page, "susan", "wrong-password")
    return response


def raise_an_error(page):
    log_in(page, "admin", STAFF_PASSWORD)
    return page.goto("/errors/test")


# Every error page a browser can meet (408, a body too slow to arrive, is the socket's:
# test_production_failures.py), and its heading.
BROWSER_ERRORS = {
    400: (lambda page: post_form(page, 1001, 1), "Bad request"),
    403: (post_without_csrf_cookie, "This form has expired"),
    404: (lambda page: page.goto("/no/such/page"), "File Not Found"),
    405: (lambda page: page.goto("/logout"), "This address does not take that kind of request"),
    413: (lambda page: post_form(page, 1, 3_000_000), "That was more than the site accepts"),
    429: (lock_out, "Too many failed sign-ins"),
    500: (raise_an_error, "An unexpected error has occurred"),
}


def test_every_error_page_is_in_the_layout_under_the_content_security_policy(
    tmp_path, watched_page
):
    with running_site(
        tmp_path, EMAIL_URL="consolemail://", LOGIN_FAILURE_LIMIT=LOGIN_FAILURE_LIMIT
    ) as site:
        new_page, violations = watched_page
        for status, (visit, heading) in BROWSER_ERRORS.items():
            page = new_page(site.url)  # a visitor of its own: no lockout or login carried over
            response = visit(page)
            page.wait_for_load_state("networkidle")

            assert response.status == status, heading
            assert "default-src 'self'" in response.headers["content-security-policy"]
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
            reference = response.headers["x-request-id"]
            expect(page.get_by_text(f"Error reference: {reference}")).to_be_visible()
            expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
            expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
            screenshot(page, f"7-error-{status}")
    assert violations == []


def wait_for_the_errors_admin(page, timeout=15):
    """The Errors admin's list, once it shows an error: the server records errors in the
    background, after the 500 page has gone out."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto("/admin/errors/errorgroup/")
        if page.locator("#result_list").count() or time.monotonic() > deadline:
            return
        page.wait_for_timeout(200)


def test_an_errors_page_shows_what_broke_at_once_and_resolves_in_one_click(tmp_path, watched_page):
    with running_site(tmp_path, EMAIL_URL="consolemail://") as site:
        new_page, violations = watched_page
        page = new_page(site.url)
        log_in(page, "admin", STAFF_PASSWORD)
        assert page.goto("/errors/test").status == 500

        wait_for_the_errors_admin(page)
        page.get_by_role(
            "link", name=re.compile("RuntimeError: Test error requested by admin")
        ).click()
        failing_line = page.locator(".project-frame .failing-line").first
        expect(failing_line).to_contain_text("raise RuntimeError")
        # On the first screen: the traceback's failing line of our code, with nothing to scroll
        # past (the page has not been scrolled).
        box = failing_line.bounding_box()
        assert box["y"] + box["height"] <= SCREEN["height"], box
        screenshot(page, "6-error-page", full_page=False)

        page.get_by_role("button", name="Resolve").click()
        expect(page.locator(".error-status")).to_contain_text(re.compile(r"Resolved .* by admin"))
        expect(page.get_by_role("button", name="Reopen")).to_be_visible()
        screenshot(page, "7-error-resolved", full_page=False)
        assert violations == []


def test_the_admins_lists_fit_a_1280_px_screen(tmp_path, watched_page):
    with running_site(tmp_path, EMAIL_URL="consolemail://") as site:
        new_page, _ = watched_page
        page = new_page(site.url)
        sign_in_with(page, "susan", "a-wrong-password")  # a row for axes' lists
        log_in(page, "admin", STAFF_PASSWORD)
        page.goto("/errors/test")
        wait_for_the_errors_admin(page)
        for path in [
            "/admin/errors/errorgroup/",
            "/admin/accounts/user/",
            "/admin/axes/accessattempt/",
        ]:
            page.goto(path)
            last_column = page.locator("#result_list thead th").last
            expect(last_column).to_be_visible()
            right_edge = page.evaluate("document.documentElement.scrollWidth")
            assert right_edge <= SCREEN["width"], f"{path} is {right_edge} px wide"
            box = last_column.bounding_box()
            assert box["x"] + box["width"] <= SCREEN["width"], path
        screenshot(page, "8-admin-list-at-1280", full_page=False)


def test_a_locked_out_user_resets_the_password_from_the_lockout_page_and_signs_in(
    tmp_path, smtp_server, watched_page
):
    with running_site(tmp_path, EMAIL_URL=smtp_server.url, LOGIN_FAILURE_LIMIT=3) as site:
        new_page, violations = watched_page
        page = new_page(site.url)
        for _ in range(3):
            sign_in_with(page, "susan", "a-wrong-password")
        expect(page.get_by_role("heading", name="Too many failed sign-ins")).to_be_visible()
        screenshot(page, "9-locked-out")

        page.get_by_role("link", name="Reset it").click()
        page.get_by_label("Email").fill("susan@example.com")
        page.get_by_role("button", name="Request Password Reset").click()
        expect(page.get_by_role("heading", name="Check Your Email")).to_be_visible()
        [email] = smtp_server.wait_for(1)
        link = re.search(r"http://\S+/reset/\S+", email.get_content()).group()
        page.goto(link)
        page.get_by_label("New password:").fill("susans-new-long-password-5")
        page.get_by_label("New password confirmation").fill("susans-new-long-password-5")
        page.get_by_role("button", name="Set Password").click()
        expect(page.get_by_role("heading", name="Password Set")).to_be_visible()
        screenshot(page, "10-password-set")

        page.get_by_role("link", name="Sign in").click()
        log_in(page, "susan", "susans-new-long-password-5")
        assert violations == []
