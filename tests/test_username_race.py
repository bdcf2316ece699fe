"""Two renames to the same new name at the same moment: never a 500, exactly one owner."""

import os
import threading

import pytest
from django.db import connection
from django.test import Client

from accounts.forms import AdminUserChangeForm
from accounts.models import USERNAME_TAKEN, User
from livesite import running_site
from livesite.race import rename_race
from tests.factories import USER_BACKEND, UserFactory

ROUNDS = 20

on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite's IMMEDIATE transactions take one save at a time: two cannot both pass "
    "validation before either writes. Runs on PostgreSQL (CI)",
)


@pytest.mark.slow
def test_renames_racing_in_flight_never_500_and_leave_exactly_one_owner(tmp_path):
    with running_site(tmp_path, workers=4) as site:
        result = rename_race(site.url, site.database_url, ROUNDS)

    assert result.in_flight_together == ROUNDS  # both requests at the server at once
    assert (result.server_errors, result.one_owner) == (0, ROUNDS)
    assert "database is locked" not in site.log()


@on_postgres
@pytest.mark.slow
def test_renames_both_past_validation_before_either_saves_leave_one_owner_and_a_form_error(
    tmp_path,
):
    with running_site(tmp_path, workers=4) as site:
        result = rename_race(site.url, site.database_url, ROUNDS)

    assert result.validated_together == ROUNDS
    assert (result.server_errors, result.one_owner) == (0, ROUNDS)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_saving_one_name_in_the_admin_at_once_get_a_form_error_not_a_500(monkeypatch):
    staff = UserFactory(username="boss", is_staff=True, is_superuser=True)
    renamed = [UserFactory(username="alice"), UserFactory(username="bob")]
    both_validated = threading.Barrier(len(renamed), timeout=10)
    waited = set()
    clean_username = AdminUserChangeForm.clean_username

    def clean_username_then_wait_for_the_other(form):
        username = clean_username(form)
        if threading.get_ident() not in waited:  # the first pass: the race
            waited.add(threading.get_ident())
            both_validated.wait()  # neither saves before both have found the name free
        return username

    monkeypatch.setattr(
        AdminUserChangeForm, "clean_username", clean_username_then_wait_for_the_other
    )
    responses = {}

    def save(user):
        client = Client(raise_request_exception=False)
        client.force_login(staff, backend=USER_BACKEND)
        try:
            responses[user.username] = client.post(
                f"/admin/accounts/user/{user.pk}/change/",
                {"username": "winner", "email": user.email, "is_active": "on", "about_me": ""},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(user,)) for user in renamed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not both_validated.broken, "the two saves did not overlap"
    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [200, 302]
    [refused] = [r for r in responses.values() if r.status_code == 200]
    [saved] = [r for r in responses.values() if r.status_code == 302]
    assert USERNAME_TAKEN in refused.text
    assert saved["Location"] == "/admin/accounts/user/"
    assert User.objects.filter(username="winner").count() == 1
