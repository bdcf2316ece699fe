import pytest
from django.core.cache import cache

from microblog.log import AdminEmailHandler
from tests.factories import UserFactory
from tests.site import smtp_sink


@pytest.fixture(autouse=True)
def empty_cache():
    """The error-email throttle keeps its state in the cache: each test starts afresh."""
    cache.clear()


@pytest.fixture
def sent_emails(mailoutbox):
    """sent_emails() lists what was sent, once the background sender has finished its queue."""

    def sent():
        AdminEmailHandler.sender.drain()
        return list(mailoutbox)

    return sent


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


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port; its URL is the site's EMAIL_URL."""
    with smtp_sink() as inbox:
        yield inbox
