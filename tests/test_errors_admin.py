"""Every error in the Django admin: a row per cause, its latest occurrences, searchable by the
reference a user quotes; staff mark it resolved, and it reopens (and emails) if it comes back."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from microblog.errors.models import KEEP_OCCURRENCES, ErrorGroup
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
    assert shown_field(page, "count") == f"{KEEP_OCCURRENCES + 2}"


def shown_field(page, name):
    """What the admin's change page shows in the read-only field `name`."""
    [value] = re.findall(rf'field-{name}\b.*?<div class="readonly">(.*?)</div>', page, re.S)
    return value


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

    fail(staff_client)  # within the throttle's window, yet a regression

    group.refresh_from_db()
    assert group.resolved_at is None
    assert group.count == 2
    assert len(sent_emails()) == 2


def test_staff_with_the_view_permission_see_errors_but_cannot_resolve_them(staff_client):
    fail(staff_client)
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_errorgroup"))
    client = Client()
    client.force_login(viewer, backend=USER_BACKEND)

    page = client.get("/admin/errors/errorgroup/").text

    assert "Test error requested by boss" in page
    assert "mark_resolved" not in page


def test_staff_without_the_permission_see_no_errors(staff_client):
    fail(staff_client)
    client = Client()
    client.force_login(UserFactory(is_staff=True), backend=USER_BACKEND)

    assert client.get("/admin/errors/errorgroup/").status_code == 403
