"""A username is one in any case, in every alphabet and on every database: sign-up, rename, login,
the profile URL, and the database's own constraint (which two racing requests meet)."""

from urllib.parse import quote

import pytest
from django.db import IntegrityError, transaction

from accounts.models import USERNAME_TAKEN, User
from tests.factories import PASSWORD, USER_BACKEND, UserFactory
from tests.test_register import register

pytestmark = pytest.mark.django_db

# (the name someone has, the same name in another case)
PAIRS = [("Éva", "éva"), ("ΣΊΣΥΦΟΣ", "σίσυφος"), ("Straße", "STRASSE")]
one_name_in_two_cases = pytest.mark.parametrize(("taken", "other_case"), PAIRS)


@one_name_in_two_cases
def test_signing_up_as_a_taken_name_in_another_case_is_refused(client, taken, other_case):
    UserFactory(username=taken)

    response = register(client, username=other_case)

    assert USERNAME_TAKEN in response.text
    assert not User.objects.filter(username=other_case).exists()


@one_name_in_two_cases
def test_renaming_to_a_taken_name_in_another_case_is_refused(client, user, taken, other_case):
    UserFactory(username=taken)
    client.force_login(user, backend=USER_BACKEND)

    response = client.post("/edit_profile", {"username": other_case, "about_me": ""})

    assert USERNAME_TAKEN in response.text
    user.refresh_from_db()
    assert user.username == "susan"


@one_name_in_two_cases
def test_logging_in_takes_the_name_in_another_case(client, taken, other_case):
    UserFactory(username=taken)

    response = client.post("/login", {"username": other_case, "password": PASSWORD})

    assert response.status_code == 302
    assert f"Hi, {taken}!" in client.get("/").text


@one_name_in_two_cases
def test_the_profile_address_in_another_case_leads_to_the_profile(logged_in, taken, other_case):
    UserFactory(username=taken)

    response = logged_in.get(f"/user/{quote(other_case)}")

    assert response.status_code == 301
    assert response.url == f"/user/{quote(taken)}"


@one_name_in_two_cases
def test_the_database_refuses_a_second_user_of_one_name(taken, other_case):
    UserFactory(username=taken)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=other_case)
