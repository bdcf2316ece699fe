"""The real site in other processes (manage.py, make production, runserver), and clients for it.

Shared by the tests and the benchmarks in bench/.
"""

import asyncio
import atexit
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
# Variables that the test settings put into this process's environment.
TEST_ONLY_VARIABLES = ["DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "LOG_DIR", "ADMINS"]
PRODUCTION_SECRET_KEY = "a-production-like-secret-key-for-tests-only-0123456789abcdef"
# The staff user "admin" of a production site: `make production` refuses the demo password.
STAFF_PASSWORD = "a-staff-password-for-tests-only"
SET_STAFF_PASSWORD = (
    "from accounts.models import User; admin = User.objects.get(username='admin'); "
    f"admin.set_password({STAFF_PASSWORD!r}); admin.save()"
)


# The servers and commands the tests start fail on a deprecation too, as the suite itself does
# (pyproject.toml's filterwarnings).
DEPRECATIONS_ARE_ERRORS = "error::DeprecationWarning,error::PendingDeprecationWarning"


def site_env(**overrides):
    """This process's environment, as a fresh shell would give it, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env["PYTHONWARNINGS"] = DEPRECATIONS_ARE_ERRORS
    return env | {k: str(v) for k, v in overrides.items()}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=site_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


@dataclass
class Site:
    url: str
    env: dict
    process: subprocess.Popen
    log_file: Path
    stdout_file: Path

    @property
    def pid(self):
        return self.process.pid

    @property
    def address(self):
        """(host, port) to open a socket of one's own to the server."""
        parts = urllib.parse.urlsplit(self.url)
        return parts.hostname, parts.port

    @property
    def database_url(self):
        return self.env["DATABASE_URL"]

    def log(self):
        """The whole log, rotated files included, oldest first."""
        files = self.log_file.parent.glob(self.log_file.name + "*")
        rotated = sorted(files, key=lambda f: -int(f.suffix[1:]) if f.suffix[1:].isdigit() else 0)
        return "".join(f.read_text() for f in rotated if f.suffix != ".lock")

    def stdout(self):
        return self.stdout_file.read_text()

    def server_pid(self):
        """The production server's own process: the one that `make production` runs."""
        [pid] = child_pids(self.pid)
        return pid

    def worker_pids(self):
        return child_pids(self.server_pid())


def child_pids(pid):
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@contextlib.contextmanager
def scratch_database(tmp_path, template=None):
    """A fresh database for a site in another process, of the kind the suite runs on: a copy of
    the database `template` (a URL of that kind) if one is given, else an empty one.

    With DATABASE_URL pointing at PostgreSQL, a new database on that server (dropped afterwards);
    otherwise a new SQLite file.
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = tmp_path / "db.sqlite3"
        if template:
            copy_sqlite(urllib.parse.urlsplit(template).path, path)
        yield f"sqlite:///{path}"
        return
    name = f"microblog_site_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{urllib.parse.urlsplit(template).path[1:]}"' if template else ""
    run_sql(maintenance_url(url), f'CREATE DATABASE "{name}"{copy}')
    try:
        yield urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        run_sql(maintenance_url(url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_sqlite(source, destination):
    """Copy an SQLite database page by page (its write-ahead log included, unlike a file copy)."""
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(destination)) as copy,
    ):
        original.backup(copy)


# The template databases of this process, dropped when it exits.
_templates = contextlib.ExitStack()
atexit.register(_templates.close)
_seeded = {}


def seeded_template(seed_args=()):
    """The URL of a database migrated and seeded with `seed_demo *seed_args`, made once per
    process: sites copy it, where migrating and seeding would take seconds of each one's start."""
    if seed_args not in _seeded:
        folder = Path(tempfile.mkdtemp(prefix="microblog-template-"))
        _templates.callback(shutil.rmtree, folder, ignore_errors=True)
        url = _templates.enter_context(scratch_database(folder))
        seed_production(production_env(folder, url), seed_args)
        _seeded[seed_args] = url
    return _seeded[seed_args]


def maintenance_url(database_url):
    """The same PostgreSQL server's `postgres` database, to create and drop others from."""
    return urllib.parse.urlsplit(database_url)._replace(path="/postgres").geturl()


def run_sql(database_url, statement):
    """Run one statement on the site's database, from outside the site; returns its rows."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(urllib.parse.urlsplit(database_url).path) as connection:
            return connection.execute(statement).fetchall()
    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def break_table(database_url, table):
    """Rename a table away, so that every query on it fails: a fault injected into the database."""
    run_sql(database_url, f'ALTER TABLE "{table}" RENAME TO "{table}_broken"')


def repair_table(database_url, table):
    run_sql(database_url, f'ALTER TABLE "{table}_broken" RENAME TO "{table}"')


@contextlib.contextmanager
def write_lock(database_url, table):
    """Hold a lock that makes every write to `table` wait until the block ends."""
    if database_url.startswith("sqlite:///"):
        path = urllib.parse.urlsplit(database_url).path
        with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as connection:
            connection.execute("BEGIN IMMEDIATE")  # SQLite has one write lock for all tables
            yield
            connection.execute("ROLLBACK")
    else:
        with psycopg.connect(database_url) as connection:
            connection.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
            yield
            connection.rollback()


def drop_database(database_url):
    """Take a PostgreSQL site's database away under it, its open connections included."""
    name = urllib.parse.urlsplit(database_url).path[1:]
    run_sql(maintenance_url(database_url), f'DROP DATABASE "{name}" WITH (FORCE)')


def production_env(tmp_path, database_url, **overrides):
    """Settings of a production site, with everything it writes kept inside tmp_path."""
    return {
        "DEBUG": "off",
        "SECRET_KEY": PRODUCTION_SECRET_KEY,
        "DATABASE_URL": database_url,
        "LOG_DIR": tmp_path / "logs",
        # Sites started at once (the suite runs in parallel) must not collect into one folder.
        "STATIC_ROOT": tmp_path / "staticfiles",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ADMINS": "admin@example.com",
        "SERVER_EMAIL": "microblog@example.com",
        "SECURE_COOKIES": "off",  # the tests speak plain HTTP
    } | overrides


def prepare(env, *commands):
    """Run manage.py commands for a site in another process, failing loudly if one fails."""
    for command in commands:
        done = manage(*command, **env)
        assert done.returncode == 0, done.stderr


def seed_production(env, seed_args=()):
    """Migrate and seed a production site's database, its staff with a password of their own."""
    prepare(env, ["migrate"], ["seed_demo", *seed_args], ["shell", "-c", SET_STAFF_PASSWORD])


@contextlib.contextmanager
def running_site(tmp_path, workers=1, scheme="http", seed_args=(), **overrides):
    """A database migrated and seeded with `seed_demo *seed_args`, served with `make production`,
    as an operator runs it: a fresh copy of this process's template, or the database that a
    DATABASE_URL in `overrides` names, migrated and seeded here."""
    with contextlib.ExitStack() as stack:
        if "DATABASE_URL" in overrides:
            env = production_env(tmp_path, overrides.pop("DATABASE_URL"), **overrides)
            seed_production(env, seed_args)
        else:
            template = seeded_template(tuple(seed_args))
            database_url = stack.enter_context(scratch_database(tmp_path, template))
            env = production_env(tmp_path, database_url, **overrides)
        port = free_port()
        env |= {"PORT": port, "WEB_CONCURRENCY": workers}
        yield stack.enter_context(
            serve(tmp_path, env, ["make", "production"], f"{scheme}://127.0.0.1:{port}")
        )


@contextlib.contextmanager
def development_site(tmp_path):
    """The site as `make run` serves it (DEBUG on, runserver, .env), with a database of its own."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "LOG_DIR": tmp_path / "logs"}
    prepare(env, ["migrate"], ["seed_demo"])
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with serve(tmp_path, env, command, f"http://127.0.0.1:{port}") as site:
        yield site


@contextlib.contextmanager
def serve(tmp_path, env, command, url, tree=ROOT):
    """Run a server process in `tree` (this checkout) until the block ends, once it listens; its
    output goes to files in tmp_path."""
    with started(tmp_path, env, command, url, tree) as site:
        wait_for_port(site.address[1], site.process, timeout=120)
        yield site


@contextlib.contextmanager
def started(tmp_path, env, command, url, tree=ROOT):
    """A server process started in `tree`, not yet waited for (servers meant to start at the same
    moment), stopped as systemd and docker stop a service when the block ends."""
    stdout_file, stderr_file = tmp_path / "server.stdout", tmp_path / "server.stderr"
    with stdout_file.open("w") as stdout, stderr_file.open("w") as stderr:
        process = subprocess.Popen(
            command,
            cwd=tree,
            env=site_env(**env),
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            log_file = Path(env["LOG_DIR"]) / "microblog.log"
            yield Site(url, env, process, log_file, stdout_file)
        finally:
            if process.poll() is None:
                # SIGTERM to its whole process group.
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)  # leave no server behind
                    raise


class Inbox:
    """An aiosmtpd handler that keeps every message a real SMTP client delivers to it.

    It takes `delay` seconds to answer each delivery, and answers none while `held` is cleared:
    a mail server that is slow to respond.
    """

    def __init__(self, delay=0):
        self.delay = delay
        self.messages = []
        self.held = threading.Event()
        self.held.set()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        while not self.held.is_set():
            await asyncio.sleep(0.05)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15, quiet=1.0):
        """The messages, once `count` have come (or `timeout` passed), after `quiet` more seconds
        in which any that should not come would show up."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(quiet)
        return list(self.messages)


@contextlib.contextmanager
def smtp_sink(delay=0):
    """A real SMTP server (aiosmtpd) on a free loopback port; `.url` is its EMAIL_URL."""
    inbox = Inbox(delay)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    try:
        yield inbox
    finally:
        controller.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class SiteClient:
    """An HTTP client (urllib, not a browser) with cookies and CSRF token, for a site served by
    another process.

    It follows redirects, unless made with follow_redirects=False."""

    def __init__(self, base_url, follow_redirects=True):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        # The tests' TLS certificates are self-signed.
        insecure = ssl._create_unverified_context()  # noqa: S323
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=insecure),
            *([] if follow_redirects else [NoRedirects]),
        )

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def cookie_header(self):
        """The Cookie header this browser sends: its session and its CSRF cookie."""
        return "; ".join(f"{c.name}={c.value}" for c in self.cookies)

    def request(self, path, data=None, headers=None):
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}
            body = urllib.parse.urlencode(data).encode()
        # Like a browser, say where a form comes from: Django's CSRF check requires it on HTTPS.
        headers = {"Origin": self.base_url} | (headers or {}) if body else headers or {}
        request = urllib.request.Request(self.base_url + path, body, headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def post(self, path, data, **kwargs):
        if self.cookie("csrftoken") is None:
            self.get("/login")
        return self.request(path, data=data, **kwargs)

    def log_in(self, username, password):
        self.post("/login", {"username": username, "password": password})
        status, page = self.get("/index")
        assert re.search(r"Hi, \w+!", page), page


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test stops and starts again."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class SlowClients:
    """`count` connections that send a request one piece every `interval` seconds and never finish
    it (a "slowloris"): its headers one line at a time or, with `body=True`, all its headers and
    then a form's body one byte at a time. Each one the server closes is opened again."""

    def __init__(self, url, count, interval=1.0, body=False):
        parts = urllib.parse.urlsplit(url)
        self.address = (parts.hostname, parts.port)
        self.count = count
        self.interval = interval
        self.opening, self.piece = slow_request(url, body)
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self):
        sock = socket.create_connection(self.address, timeout=5)
        sock.sendall(self.opening)
        return sock

    def _run(self):
        sockets = [self._connect() for _ in range(self.count)]
        while not self._stop.wait(self.interval):
            for i, sock in enumerate(sockets):
                try:
                    sock.sendall(self.piece)
                except OSError:
                    sock.close()
                    self.reconnects += 1
                    sockets[i] = self._connect()
        for sock in sockets:
            sock.close()

    def __enter__(self):
        self._thread.start()
        time.sleep(2 * self.interval)  # every connection open, and trickling
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def slow_request(url, body=False):
    """The start of a request that a slow client sends, and the piece it then sends at a time. A
    body is a sign-in form's, sent with the CSRF cookie that any visitor gets, as an attacker would:
    without it, Django refuses the form before it reads the body."""
    host = urllib.parse.urlsplit(url).hostname
    if not body:
        return f"GET /login HTTP/1.1\r\nHost: {host}\r\n".encode(), b"X-Trickle: 1\r\n"
    visitor = SiteClient(url)
    visitor.get("/login")
    headers = f"POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100000\r\n"
    headers += f"Cookie: {visitor.cookie_header()}\r\n"
    headers += "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    return headers.encode() + f"csrfmiddlewaretoken={visitor.cookie('csrftoken')}&".encode(), b"a"


def visits(url, count=10, timeout=1.0):
    """`count` ordinary visits to `url`, one after another: each one's status, or None if no
    answer came within `timeout` seconds."""
    statuses = []
    for _ in range(count):
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError:
            statuses.append(None)
    return statuses


def postgres_binaries():
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None if not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class PostgresServer:
    """A PostgreSQL server of the test's own, from initdb, on a free port, that the test stops and
    starts again: never the machine's cluster. Run as the postgres user when started as root
    (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bin = postgres_binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="microblog-pg-"))
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/microblog"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", self.folder / "data", "-U", "postgres", "-A", "trust")

    def _run(self, program, *args):
        command = [self.bin / program, *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        data, log = self.folder / "data", self.folder / "log"
        self._run("pg_ctl", "-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.folder / "data", "-m", "fast", "-w", "stop")

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class SentryServer:
    """kent, a small Sentry-protocol server, on a free port: what a site with this DSN sends
    arrives here, and the test reads it back through kent's API."""

    def __init__(self, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dsn = f"http://public@127.0.0.1:{self.port}/1"
        self.output = (Path(folder) / "kent.log").open("w")
        kent = Path(sys.executable).parent / "kent-server"
        command = [kent, "run", "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(command, stdout=self.output, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)

    def events(self, count, timeout=15):
        """The bodies of the first `count` events to arrive, waiting up to `timeout` for them."""
        deadline = time.monotonic() + timeout
        while True:
            with urllib.request.urlopen(f"{self.url}/api/eventlist/") as response:
                listed = json.load(response)["events"]
            if len(listed) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        bodies = []
        for event in listed:
            with urllib.request.urlopen(f"{self.url}/api/event/{event['event_id']}") as response:
                bodies.append(json.load(response)["payload"]["body"])
        return bodies

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.output.close()
