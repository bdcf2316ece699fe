import asyncio
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache

from microblog.log import AdminEmailHandler
from tests.factories import UserFactory
from tests.site import free_port


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


class Inbox:
    """An aiosmtpd handler that keeps every message a real SMTP client delivers to it.

    While `held` is cleared, it answers no delivery: a mail server that is slow to respond.
    """

    def __init__(self):
        self.messages = []
        self.held = threading.Event()
        self.held.set()

    async def handle_DATA(self, server, session, envelope):
        while not self.held.is_set():
            await asyncio.sleep(0.05)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15, quiet=1.0):
        """The messages, once `count` have come and then `quiet` seconds passed with no more."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(quiet)
        return list(self.messages)


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port; its URL is the site's EMAIL_URL."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()
