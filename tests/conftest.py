import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.factories import UserFactory
from tests.site import free_port


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


class Inbox:
    """An aiosmtpd handler that keeps every message a real SMTP client delivers to it."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port; its URL is the site's EMAIL_URL."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()
