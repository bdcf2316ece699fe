"""The Makefile's helpers take the ports a developer gives them (8000 and 8025 may be taken)."""

import subprocess

import pytest

from livesite import ROOT


def planned(*args):
    """The commands `make` would run (`make -n`), without running them."""
    done = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("args", "listens_on"),
    [
        (["run"], "runserver 127.0.0.1:8000"),
        (["run", "PORT=8001"], "runserver 127.0.0.1:8001"),
        (["mailsink"], "-l localhost:8025"),
        (["mailsink", "MAILSINK_PORT=8026"], "-l localhost:8026"),
    ],
)
def test_make_run_and_mailsink_listen_where_they_are_told(args, listens_on):
    assert listens_on in planned(*args)
