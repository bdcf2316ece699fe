import os
import shutil

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from livesite import RedisServer, running_site, smtp_sink
from microblog.errors.email import ErrorEmailHandler
from tests.factories import USER_BACKEND, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    """The error-email throttle lives in the cache: each test starts afresh."""
    cache.clear()


class SameThreadSender:
    """Runs the error handler's jobs at once, in the test's thread and database transaction.

    The real background thread would write its records outside the test's transaction, where
    no test sees them and none is rolled back; the server tests (test_error_email.py) run it.
    """

    def submit(self, job, *args):
        job(*args)


@pytest.fixture(autouse=True)
def error_reports_in_the_test_thread(monkeypatch):
    monkeypatch.setattr(ErrorEmailHandler, "sender", SameThreadSender())


@pytest.fixture
def sent_emails(mailoutbox):
    """sent_emails() lists what was sent (at once: the test's sender runs jobs in its thread)."""

    def sent():
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
    client.force_login(user, backend=USER_BACKEND)
    return client


@pytest.fixture
def staff_client(db):
    """A client of its own, logged in as a superuser (who may use the admin and /errors/test)."""
    client = Client(raise_request_exception=False)
    client.force_login(
        UserFactory(username="boss", is_staff=True, is_superuser=True), backend=USER_BACKEND
    )
    return client


@pytest.fixture(scope="session")
def worker_number():
    """Which of the suite's parallel processes (pytest-xdist's workers) this is: 0, 1, ..."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


@pytest.fixture(scope="session")
def shared_site(tmp_path_factory):
    """One `make production` site (2 workers) for the tests that only read from it, or add what
    no other test looks for: each start of a site costs seconds."""
    with running_site(tmp_path_factory.mktemp("shared-site"), workers=2) as site:
        yield site


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port; its URL is the site's EMAIL_URL."""
    with smtp_sink() as inbox:
        yield inbox


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server that the test starts itself, to stop and start again: never the machine's."""
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("REQUIRE_REDIS is set, but redis-server is not installed")
        pytest.skip("no redis-server installed: the Redis outage tests did not run")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_url(worker_number):
    """An empty database of the Redis server on this machine (Redis keeps nothing on disk here),
    one of its own for each process of the suite: 15 for the first, then 14, and so on."""
    url = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - worker_number}")
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set, but no Redis server answers at {url}")
        pytest.skip(f"no Redis server at {url}: the Redis tests did not run")
    yield url
    client.flushdb()
