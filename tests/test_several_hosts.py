"""The site on two hosts, as behind a load balancer: two `make production` servers from two install
directories, started at the same moment on one fresh PostgreSQL database and one Redis."""

import contextlib
import os
import re
import shutil
import sys
from dataclasses import dataclass

import psycopg
import pytest

from livesite import (
    ROOT,
    STAFF_PASSWORD,
    RedisServer,
    Site,
    SiteClient,
    free_port,
    production_env,
    scratch_database,
    seed_production,
    smtp_sink,
    started,
    wait_for_port,
)
from livesite.race import rename_race

pytestmark = pytest.mark.slow

LOGIN_FAILURE_LIMIT = 4
# What an install directory holds: the code, not this checkout's own state.
NOT_INSTALLED = shutil.ignore_patterns(
    ".git", ".venv*", ".uv", "db.sqlite3*", "logs", "staticfiles", "__pycache__", "test-artifacts"
)


@dataclass
class Hosts:
    first: Site
    second: Site
    inbox: object

    @property
    def database_url(self):
        return self.first.database_url


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("hosts share a PostgreSQL database: runs on PostgreSQL (CI)")
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail("REQUIRE_REDIS is set, but redis-server is not installed")
        pytest.skip("no redis-server installed: hosts share a Redis")
    folder = tmp_path_factory.mktemp("hosts")
    second_install = folder / "second-install"
    shutil.copytree(ROOT, second_install, ignore=NOT_INSTALLED)
    # It runs on this install's virtualenv (VENV below) and uv: `make production` finds them set up.
    (second_install / ".uv").symlink_to(ROOT / ".uv")
    redis = RedisServer(folder)
    redis.start()
    # What all hosts share (the production docs' list); the rest is each host's own.
    shared = {
        "REDIS_URL": redis.url,
        "RELEASE": "r1",
        "LOGIN_FAILURE_LIMIT": LOGIN_FAILURE_LIMIT,
        "VENV": sys.prefix,
    }
    with (
        smtp_sink() as inbox,
        scratch_database(folder) as database_url,
        contextlib.ExitStack() as servers,
    ):
        sites = []
        for name, tree in [("first", ROOT), ("second", second_install)]:
            (folder / name).mkdir()
            port = free_port()
            env = production_env(
                folder / name, database_url, EMAIL_URL=inbox.url, PORT=port, **shared
            )
            command = ["make", "production"]
            url = f"http://127.0.0.1:{port}"
            sites.append(servers.enter_context(started(folder / name, env, command, url, tree)))
        for site in sites:  # started together: only now waited for
            wait_for_port(site.address[1], site.process, timeout=120)
        seed_production(sites[0].env)
        yield Hosts(*sites, inbox)
    redis.stop()


def test_two_hosts_started_together_on_a_fresh_database_both_serve(hosts):
    for site in (hosts.first, hosts.second):
        status, answer = SiteClient(site.url).get("/health/")
        assert (status, answer) == (200, '{"database": "ok", "cache": "ok"}')


def test_a_session_from_one_host_is_good_on_the_other(hosts):
    browser = SiteClient(hosts.first.url)
    browser.log_in("admin", STAFF_PASSWORD)

    browser.base_url = hosts.second.url  # the balancer sends the next request elsewhere
    status, page = browser.get("/index")

    assert status == 200
    assert "Hi, admin!" in page


def test_the_lockout_counts_failures_on_both_hosts(hosts):
    browser = SiteClient(hosts.first.url)
    statuses = []
    for attempt in range(LOGIN_FAILURE_LIMIT):
        browser.base_url = (hosts.first, hosts.second)[attempt % 2].url
        status, _ = browser.post("/login", {"username": "guesser", "password": "wrong"})
        statuses.append(status)

    assert statuses == [200] * (LOGIN_FAILURE_LIMIT - 1) + [429]


def test_one_fault_met_on_both_hosts_is_one_error_and_one_email(hosts):
    browser = SiteClient(hosts.first.url)
    browser.log_in("admin", STAFF_PASSWORD)
    for site in (hosts.first, hosts.second):
        browser.base_url = site.url
        assert browser.get("/errors/test")[0] == 500

    emails = hosts.inbox.wait_for(2, timeout=5)
    with psycopg.connect(hosts.database_url) as connection:
        groups = connection.execute("SELECT count FROM errors_errorgroup").fetchall()

    assert groups == [(2,)]
    assert len([e for e in emails if re.search(r"/errors/test \[req", e["Subject"])]) == 1


def test_renames_racing_across_the_two_hosts_never_500_and_leave_one_owner(hosts):
    rounds = 10

    result = rename_race(hosts.first.url, hosts.database_url, rounds, hosts.second.url)

    assert (result.server_errors, result.one_owner) == (0, rounds)
