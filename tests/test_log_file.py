"""The log file: the chapter's format and rotation, request ids, nothing forged, nothing leaked."""

import logging
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from livesite import PRODUCTION_SECRET_KEY, manage, site_env
from microblog.errors.email import ErrorEmailHandler
from microblog.errors.log import LogFileHandler

pytestmark = pytest.mark.django_db


def read_log():
    log_file = settings.LOG_DIR / "microblog.log"
    return log_file.read_text() if log_file.exists() else ""


# 300 lines of about 160 bytes: 48 KB, logged as the site logs.
LOG_300_LINES = """
import logging
for n in range(300):
    logging.getLogger("microblog").warning("line %03d %s", n, "x" * 100)
"""


def test_the_log_rotates_at_the_size_and_keeps_the_files_the_environment_says(tmp_path):
    env = {"DEBUG": "off", "SECRET_KEY": PRODUCTION_SECRET_KEY, "LOG_DIR": tmp_path}
    done = manage("shell", "-c", LOG_300_LINES, **env, LOG_MAX_BYTES=10240, LOG_BACKUP_COUNT=2)

    assert done.returncode == 0, done.stderr
    files = sorted(tmp_path.glob("microblog.log*"))
    assert [f.name for f in files if f.suffix != ".lock"] == [
        "microblog.log",
        "microblog.log.1",
        "microblog.log.2",
    ]
    assert all(f.stat().st_size < 10240 + 200 for f in files)  # the size and the line reaching it
    kept = "".join(f.read_text() for f in files)
    assert " line 299 " in kept  # the newest lines are kept,
    assert " line 000 " not in kept  # the oldest beyond the two older files are not


def test_log_directory_is_created_if_missing_and_closed_to_others(tmp_path):
    LogFileHandler(tmp_path / "new" / "logs" / "microblog.log").close()

    assert stat.S_IMODE((tmp_path / "new" / "logs").stat().st_mode) == 0o750


def test_an_existing_log_directory_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared-logs"
    shared.mkdir()
    shared.chmod(0o755)
    (shared / "other-program.log").write_text("not ours\n")

    handler = LogFileHandler(shared / "microblog.log")
    handler.emit(logging.makeLogRecord({"msg": "written"}))
    handler.close()

    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "microblog.log").stat().st_mode) == 0o640


def test_reading_the_settings_writes_nothing_to_disk(tmp_path):
    env = site_env(DEBUG="off", SECRET_KEY=PRODUCTION_SECRET_KEY, LOG_DIR=tmp_path / "logs")
    done = subprocess.run(
        [sys.executable, "-c", "import microblog.settings"], cwd=settings.BASE_DIR, env=env
    )

    assert done.returncode == 0
    assert not (tmp_path / "logs").exists()


def test_log_file_is_not_readable_by_other_users(client):
    client.get("/no/such/page")

    assert (settings.LOG_DIR / "microblog.log").stat().st_mode & stat.S_IRWXO == 0


def test_an_error_is_in_the_log_before_its_email_is_sent(staff_client, monkeypatch):
    log_when_sending = []

    class RecordingSender:
        def submit(self, job, *args):
            log_when_sending.append(read_log())

    monkeypatch.setattr(ErrorEmailHandler, "sender", RecordingSender())
    request_id = staff_client.get("/errors/test").headers["X-Request-ID"]

    [log] = log_when_sending
    assert f"ERROR: [req {request_id}] Internal Server Error: /errors/test" in log


def test_not_found_is_logged_in_chapter_format_with_request_id(client):
    response = client.get("/no/such/page")

    request_id = response.headers["X-Request-ID"]
    last = read_log().splitlines()[-1]
    assert f" WARNING: [req {request_id}] Not Found: /no/such/page [in " in last


def test_control_characters_in_a_path_cannot_forge_a_log_line(client):
    client.get("/user/x%0D%0A2000-01-01 00:00:00,000 ERROR: forged%E2%80%A8line")

    log = read_log()
    assert not any(line.startswith("2000-01-01") for line in log.splitlines())
    assert r"/user/x\r\n2000-01-01 00:00:00,000 ERROR: forged\u2028line" in log


def test_control_characters_in_our_own_messages_cannot_forge_a_log_line():
    # Django escapes the arguments of its own request log lines; ours rely on the formatter.
    name = "mallory\r\n2000-01-01 00:00:00,000 ERROR: forged\u2028line"
    logging.getLogger("microblog").info("Renamed to %s", name)

    log = read_log()
    assert not any(line.startswith("2000-01-01") for line in log.splitlines())
    assert r"Renamed to mallory\r\n2000-01-01 00:00:00,000 ERROR: forged\u2028line" in log


FORGED = "2000-01-01 00:00:00,000 ERROR: forged entry"


def test_an_exception_message_cannot_forge_a_log_line():
    try:
        raise ValueError(f"no such user: mallory\n{FORGED}\r{FORGED}\u2028{FORGED}")
    except ValueError:
        logging.getLogger("microblog").exception("Lookup failed")

    log = read_log()
    assert not any(line.startswith("2000-01-01") for line in log.splitlines())
    assert f"\n    {FORGED}\\r{FORGED}\\u2028{FORGED}\n" in log


def test_a_traceback_stays_readable_each_of_its_lines_indented():
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("microblog").exception("Readable traceback")

    lines = read_log().splitlines()
    [start] = [n for n, line in enumerate(lines) if "Readable traceback [in " in line]
    assert lines[start + 1 :] == [
        "    Traceback (most recent call last):",
        *lines[start + 2 : -2],
        "    ValueError: first line",
        "    second line",
    ]
    assert all(line.startswith("      ") for line in lines[start + 2 : -2])


def test_bad_host_is_answered_400_and_logged_but_never_emailed(sent_emails):
    response = Client(HTTP_HOST="evil.example").get("/login")

    assert response.status_code == 400
    assert sent_emails() == []
    assert "Invalid HTTP_HOST header: 'evil.example'" in read_log()


def test_runserver_access_log_is_neither_emailed_nor_in_the_log_file(sent_emails):
    logging.getLogger("django.server").error('"GET /errors/test HTTP/1.1" 500 550')

    assert sent_emails() == []
    assert "HTTP/1.1" not in read_log()


WRITER = """
import logging, sys
from pathlib import Path
from microblog.errors.email import ErrorEmailHandler
from microblog.errors.log import LogFileHandler
handler = LogFileHandler(Path(sys.argv[1]) / "microblog.log", maxBytes=4096, backupCount=1000)
logging.getLogger("writer").addHandler(handler)
logging.getLogger("writer").setLevel(logging.INFO)
for n in range(int(sys.argv[3])):
    logging.getLogger("writer").info("writer %s line %05d %s", sys.argv[2], n, "x" * 40)
"""


@pytest.mark.slow
def test_rotation_with_several_processes_loses_and_splits_no_line(tmp_path):
    processes, lines = 4, 5000
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, tmp_path, str(p), str(lines)],
            cwd=settings.BASE_DIR,
            env=os.environ | {"PYTHONPATH": "."},
        )
        for p in range(processes)
    ]
    assert [w.wait(timeout=300) for w in writers] == [0] * processes

    files = list(tmp_path.glob("microblog.log*"))
    written = [line for f in files for line in f.read_text().splitlines()]
    assert len(files) > 10  # it did rotate, many times
    expected = {
        f"writer {p} line {n:05d} {'x' * 40}" for p in range(processes) for n in range(lines)
    }
    assert len(written) == len(expected)
    assert set(written) == expected
