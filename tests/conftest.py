import pytest

from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="susan", about_me="I like posting.")


@pytest.fixture
def other_user(db):
    return UserFactory(username="anthony")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client
