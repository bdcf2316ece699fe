import re

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client

from accounts.forms import EditProfileForm
from accounts.models import USERNAME_TAKEN, User
from tests.factories import USER_BACKEND, UserFactory

pytestmark = pytest.mark.django_db


def edit(client, **fields):
    return client.post("/edit_profile", {"username": "susan", "about_me": ""} | fields, follow=True)


def test_edit_profile_requires_login(client):
    response = client.get("/edit_profile")

    assert response.url == "/login?next=/edit_profile"


def test_edit_profile_form_shows_current_values(logged_in):
    response = logged_in.get("/edit_profile")

    assert 'value="susan"' in response.text
    assert "I like posting." in response.text


def test_edit_profile_form_shows_values_changed_elsewhere_at_once(logged_in, user):
    logged_in.get("/edit_profile")
    User.objects.filter(pk=user.pk).update(username="susanna", about_me="Changed in the admin.")

    response = logged_in.get("/edit_profile")

    assert 'value="susanna"' in response.text
    assert "Changed in the admin." in response.text
    assert "I like posting." not in response.text


def test_both_forms_of_the_page_post_with_the_csrf_token_they_carry(user):
    """The profile form and the layout's logout button."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend=USER_BACKEND)
    page = client.get("/edit_profile").text
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)

    assert len(tokens) == 2
    saved = client.post(
        "/edit_profile", {"username": "susan", "about_me": "Hi", "csrfmiddlewaretoken": tokens[0]}
    )
    assert saved.status_code == 302
    assert client.post("/logout", {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert client.get("/edit_profile").url == "/login?next=/edit_profile"


def test_keeping_own_name_saves_about_me(logged_in, user):
    response = edit(logged_in, about_me="New about me")

    assert "Your changes have been saved." in response.text
    user.refresh_from_db()
    assert (user.username, user.about_me) == ("susan", "New about me")


def test_changing_case_of_own_name_is_allowed(logged_in, user):
    edit(logged_in, username="Susan")

    user.refresh_from_db()
    assert user.username == "Susan"


def test_rename_to_free_name(logged_in, user):
    response = edit(logged_in, username="susanna")

    assert "Your changes have been saved." in response.text
    user.refresh_from_db()
    assert user.username == "susanna"
    assert 'href="/user/susanna"' in response.text


@pytest.mark.parametrize("name", ["anthony", "Anthony", "ANTHONY", " anthony ", "ａｎｔｈｏｎｙ"])
def test_rename_to_taken_name_shows_form_error(logged_in, user, other_user, name):
    response = edit(logged_in, username=name, about_me="changed")

    assert response.status_code == 200
    assert USERNAME_TAKEN in response.text
    user.refresh_from_db()
    assert (user.username, user.about_me) == ("susan", "I like posting.")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 151, "Ensure this value has at most 150 characters (it has 151)."),
        ("no spaces", "Enter a valid username."),
        ("semi;colon", "Enter a valid username."),
        ("   ", "This field is required."),
    ],
)
def test_invalid_username_shows_clear_error_and_changes_nothing(logged_in, user, name, message):
    response = edit(logged_in, username=name)

    assert response.status_code == 200
    assert message in response.text
    user.refresh_from_db()
    assert user.username == "susan"


def test_about_me_longer_than_140_characters_is_refused(logged_in, user):
    response = edit(logged_in, about_me="x" * 141)

    assert "Ensure this value has at most 140 characters (it has 141)." in response.text
    user.refresh_from_db()
    assert user.about_me == "I like posting."


def test_database_refuses_about_me_longer_than_140(user):
    user.about_me = "x" * 141

    # PostgreSQL's varchar(140) or, on SQLite, our check constraint.
    with pytest.raises(DatabaseError), transaction.atomic():
        user.save()


@pytest.mark.parametrize("name", ["anthony", "ANTHONY"])
def test_without_the_form_rule_the_database_refuses_the_duplicate(user, other_user, name):
    """The chapter's 500: nothing but the unique constraint stands in the way of a bare save."""
    user.username = name

    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_race_loser_sees_form_error_and_nothing_changes(user):
    """Another request takes the name after this one's validation passed and before it saved."""
    form = EditProfileForm({"username": "anthony", "about_me": "changed"}, instance=user)
    assert form.is_valid()
    UserFactory(username="Anthony")  # the concurrent winner

    assert form.save_unless_taken() is None

    assert form.errors == {"username": [USERNAME_TAKEN]}
    assert User.objects.get(pk=user.pk).username == "susan"


@pytest.mark.parametrize(
    "step",
    [
        "clean_username",  # the winner commits before model validation: it sees the row
        "_post_clean",  # the winner commits after all validation: the database refuses the save
    ],
)
def test_race_through_the_site_gives_form_error_not_500(logged_in, user, monkeypatch, step):
    validation_step = getattr(EditProfileForm, step)

    def validate_then_lose_the_race(form):
        result = validation_step(form)
        UserFactory(username="NewName")
        return result

    monkeypatch.setattr(EditProfileForm, step, validate_then_lose_the_race)

    response = edit(logged_in, username="newname", about_me="changed")

    assert response.status_code == 200
    assert USERNAME_TAKEN in response.text
    assert 'href="/user/susan"' in response.text  # the nav still shows the stored name
    user.refresh_from_db()
    assert (user.username, user.about_me) == ("susan", "I like posting.")
    # The request's transaction stayed usable: the winner's row is there.
    assert User.objects.filter(username="NewName").exists()


def test_null_character_in_about_me_gets_clear_error(logged_in, user):
    response = edit(logged_in, about_me="nul\x00byte")

    assert "Null characters are not allowed." in response.text
    user.refresh_from_db()
    assert user.about_me == "I like posting."
