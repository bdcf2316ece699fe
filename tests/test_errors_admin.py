"""Every error in the Django admin: a row per cause, its latest occurrences, searchable by the
reference a user quotes; staff mark it resolved, and it reopens (and emails) if it comes back."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from microblog.errors.models import KEEP_OCCURRENCES, DailyCount, ErrorGroup
from tests.factories import USER_BACKEND, UserFactory

pytestmark = pytest.mark.django_db


def fail(client, times=1):
    """Raise the staff test error `times` times; return the last response's request id."""
    for _ in range(times):
        response = client.post("/errors/test", {"password": "hunter2-value"})
        assert response.status_code == 500
    return response.headers["X-Request-ID"]


def test_an_error_is_recorded_with_what_the_email_says(staff_client, sent_emails, settings):
    request_id = fail(staff_client)

    [group] = ErrorGroup.objects.all()
    [occurrence] = group.occurrences.all()
    assert group.exception == "builtins.RuntimeError"
    assert group.message == "Test error requested by boss"
    assert (group.view, group.path, group.count) == ("raise_test_error", "/errors/test", 1)
    assert group.first_seen == group.last_seen == occurrence.time
    assert (group.environment, group.release) == ("production", settings.RELEASE)
    assert (occurrence.request_id, occurrence.user) == (request_id, "boss")
    [email] = sent_emails()
    assert occurrence.report in email.body  # the same traceback and request data
    assert "Traceback (most recent call last)" in occurrence.report
    assert "hunter2-value" not in occurrence.report


def test_the_email_links_to_the_error_in_the_admin(staff_client, sent_emails):
    fail(staff_client)

    [email] = sent_emails()
    group = ErrorGroup.objects.get()
    assert f"http://testserver/admin/errors/errorgroup/{group.pk}/change/" in email.body
    assert staff_client.get(f"/admin/errors/errorgroup/{group.pk}/change/").status_code == 200


def test_a_storm_is_counted_in_full_in_bounded_rows(staff_client):
    fail(staff_client, times=KEEP_OCCURRENCES + 10)

    group = ErrorGroup.objects.get()
    assert group.count == KEEP_OCCURRENCES + 10
    assert group.occurrences.count() == KEEP_OCCURRENCES


def test_the_group_page_shows_the_latest_occurrences(staff_client):
    first = fail(staff_client)
    fail(staff_client, times=KEEP_OCCURRENCES)
    latest = fail(staff_client)

    page = staff_client.get(ErrorGroup.objects.get().get_admin_url()).text

    assert latest in page
    assert first not in page  # beyond the last 50
    assert fact(page, "Occurrences") == f"{KEEP_OCCURRENCES + 2}"


def fact(page, name):
    """What the error's page says of `name` at its head."""
    [value] = re.findall(rf"<dt>{name}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    return value.strip()


@pytest.mark.urls("tests.faulty_urls")
def test_the_reference_a_user_quotes_finds_the_error(staff_client, sent_emails):
    fail(staff_client)
    request_id = fail(staff_client)
    staff_client.post("/fail-after-write")  # another error, on another row (tests/faulty_urls.py)

    page = staff_client.get("/admin/errors/errorgroup/", {"q": request_id}).text

    assert "Test error requested by boss" in page
    assert "failure after a database write" not in page
    assert "1 result" in page


def test_a_resolved_error_that_comes_back_reopens_and_emails_again(staff_client, sent_emails):
    fail(staff_client)
    group = ErrorGroup.objects.get()
    staff_client.post(
        "/admin/errors/errorgroup/",
        {"action": "mark_resolved", "_selected_action": [group.pk]},
    )
    group.refresh_from_db()
    assert group.resolved_at is not None

    fail(staff_client)  # within the throttle's window, yet a regression (the page's Resolve too)

    group.refresh_from_db()
    assert group.resolved_at is None
    assert group.count == 2
    assert len(sent_emails()) == 2


@pytest.fixture
def viewer_client():
    """Staff who may view the errors, not change them."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_errorgroup"))
    client = Client()
    client.force_login(viewer, backend=USER_BACKEND)
    return client


def test_staff_with_the_view_permission_see_errors_but_cannot_resolve_them(
    staff_client, viewer_client
):
    fail(staff_client)

    page = viewer_client.get("/admin/errors/errorgroup/").text

    assert "Test error requested by boss" in page
    assert "mark_resolved" not in page


def test_staff_without_the_permission_see_no_errors(staff_client):
    fail(staff_client)
    client = Client()
    client.force_login(UserFactory(is_staff=True), backend=USER_BACKEND)

    assert client.get("/admin/errors/errorgroup/").status_code == 403


def error_page(client):
    return client.get(ErrorGroup.objects.get().get_admin_url()).text


def test_the_error_page_leads_with_what_broke_then_the_traceback_then_the_request(staff_client):
    fail(staff_client)

    page = error_page(staff_client)

    order = [
        '<h1 class="error-message">Test error requested by boss</h1>',
        "Traceback of the latest occurrence",
        "raise RuntimeError(f&quot;Test error requested by {request.user.username}&quot;)",
        '<h2 id="request-heading">Request</h2>',
        "Occurrences per day",
    ]
    positions = [page.find(text) for text in order]
    assert -1 not in positions, dict(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    for setting in ["INSTALLED_APPS", "AUTH_USER_MODEL", "MIDDLEWARE", "Python Path"]:
        assert setting not in page


def test_the_projects_frames_are_open_with_their_code_and_library_frames_collapsed(staff_client):
    fail(staff_client)

    page = error_page(staff_client)

    [project] = re.findall(r'<details class="frame project-frame" open>(.*?)</details>', page, re.S)
    assert "<code>microblog/errors/views.py</code>, line 7, in <code>raise_test_error</code>" in (
        project
    )
    assert '<li class="failing-line"><pre>    raise RuntimeError' in project
    assert "<pre>@staff_member_required</pre>" in project  # the lines around it
    assert re.search(r'<details class="frame">\s*<summary><code>django/core/handlers/', page)


@pytest.mark.urls("tests.faulty_urls")
def test_local_variables_are_shown_with_their_secrets_hidden(staff_client):
    staff_client.post("/fail-holding-secrets", {"api_token": "token-0451", "note": "note-0451"})

    page = error_page(staff_client)

    assert "note-0451" in page
    assert "token-0451" not in page
    assert staff_client.cookies["sessionid"].value not in page
    assert "the session: ********************" in page


def test_times_are_shown_to_the_second_with_the_time_zone(staff_client):
    fail(staff_client)

    page = error_page(staff_client)

    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", fact(page, "First seen"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", fact(page, "Last seen"))


def test_one_click_resolves_and_records_who_and_another_reopens(staff_client):
    fail(staff_client)
    url = ErrorGroup.objects.get().get_admin_url()
    assert 'name="_resolve"' in staff_client.get(url).text

    resolved = staff_client.post(url, {"_resolve": ""}, follow=True).text
    group = ErrorGroup.objects.get()
    assert group.resolved_at is not None
    assert group.resolved_by.username == "boss"
    assert re.search(r"Resolved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by boss", resolved)
    assert 'name="_reopen"' in resolved

    staff_client.post(url, {"_reopen": ""})
    group.refresh_from_db()
    assert (group.resolved_at, group.resolved_by) == (None, None)


def test_staff_who_may_only_view_get_no_button_and_cannot_resolve(staff_client, viewer_client):
    fail(staff_client)
    url = ErrorGroup.objects.get().get_admin_url()

    page = viewer_client.get(url).text
    response = viewer_client.post(url, {"_resolve": ""})

    assert "_resolve" not in page
    assert response.status_code == 403
    assert ErrorGroup.objects.get().resolved_at is None


def test_the_error_page_has_nothing_to_save_or_delete(staff_client):
    fail(staff_client)

    page = error_page(staff_client)

    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert "deletelink" not in page


def test_the_list_filters_unresolved_and_resolved_errors(staff_client):
    fail(staff_client)
    ErrorGroup.objects.get().resolve(None)

    listed = staff_client.get("/admin/errors/errorgroup/").text
    unresolved = staff_client.get("/admin/errors/errorgroup/", {"status": "unresolved"}).text
    resolved = staff_client.get("/admin/errors/errorgroup/", {"status": "resolved"}).text

    assert "?status=unresolved" in listed and "?status=resolved" in listed
    assert "Test error requested by boss" not in unresolved
    assert "Test error requested by boss" in resolved


def test_the_chart_counts_each_of_the_last_30_days(staff_client):
    fail(staff_client, times=3)
    group = ErrorGroup.objects.get()
    ten_days_ago = timezone.localdate() - timedelta(days=10)
    DailyCount.objects.create(group=group, day=ten_days_ago, count=6)

    page = error_page(staff_client)

    assert len(re.findall(r"<rect ", page)) == 30
    assert f"<title>{timezone.localdate():%Y-%m-%d}: 3</title>" in page
    assert f'height="60"><title>{ten_days_ago:%Y-%m-%d}: 6</title>' in page  # the highest bar


def test_older_occurrences_are_a_compact_list_each_openable(staff_client):
    older = [fail(staff_client) for _ in range(2)]
    fail(staff_client)

    page = error_page(staff_client)

    [listed] = re.findall(r'<section class="error-occurrences".*?</section>', page, re.S)
    assert re.findall(r"<summary>.*?<code>(\w+)</code>", listed) == older[::-1]
    assert listed.count('<pre class="report">') == 2


def test_the_users_affected_are_counted_once_each(staff_client):
    fail(staff_client, times=2)
    other = Client(raise_request_exception=False)
    other.force_login(UserFactory(is_staff=True, is_superuser=True), backend=USER_BACKEND)
    fail(other)

    assert fact(error_page(staff_client), "Users affected").startswith("2 ")
