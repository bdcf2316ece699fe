"""Our pages beside the tutorial's own Flask app (chapter 7, v0.7), served at once, in one run.

The floors (issue "Make it read as Django"): /login at least 1.2x the Flask app's requests/s,
/index and /user/<name> at least 2.5x, p99 no higher than Flask's. The Flask app
(bench/flask_tutorial/) runs under gunicorn with 2 sync workers in a virtualenv of its own
(`.venv-flask`, made here on first use with the project's uv); ours is `make production` with 2
workers on the demo data of `make bench` (1,000 users, 10,000 posts). Each round loads each page on
one and then on the other, which goes first alternating; prints medians and the ratios.

    .venv/bin/python -m bench.floors [--seconds 5] [--rounds 4]

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import contextlib
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.load import gunicorn, wrk
from livesite import ROOT, SiteClient, running_site
from microblog.posts.demo import DEMO_PASSWORD

FLASK_APP = ROOT / "bench" / "flask_tutorial"
FLASK_VENV = ROOT / ".venv-flask"
FLASK_PACKAGES = [
    "flask==3.1.3",
    "flask-sqlalchemy==3.1.1",
    "flask-login==0.6.3",
    "flask-wtf==1.3.0",
    "gunicorn==27.0.1",
]
# Page: the floor of our requests/s as a multiple of Flask's.
FLOORS = {"/login": 1.2, "/index": 2.5, "/user/susan": 2.5}
# Loaded by a visitor who is not logged in (a logged-in one is sent home from it).
ANONYMOUS = {"/login"}


def flask_python():
    python = FLASK_VENV / "bin" / "python"
    if not python.exists():
        [uv] = sorted(ROOT.glob(".uv/*/bin/uv"))[-1:]
        subprocess.run([uv, "venv", "--python", sys.executable, FLASK_VENV], check=True)
        subprocess.run([uv, "pip", "install", "--python", python, *FLASK_PACKAGES], check=True)
    return python


@contextlib.contextmanager
def flask_site(folder):
    env = {"FLASK_DATABASE_URL": f"sqlite:///{folder / 'flask.sqlite3'}", "PATH": "/usr/bin:/bin"}
    python = flask_python()
    seed = f"from app import seed; seed({DEMO_PASSWORD!r})"
    subprocess.run([python, "-c", seed], cwd=FLASK_APP, env=env, check=True)
    with gunicorn(python, "app:app", FLASK_APP, env) as url:
        yield url


def flask_cookie(url):
    """The session cookie of a browser that logged in to the Flask app (Flask-WTF's CSRF token is
    in the form, tied to that session)."""
    browser = SiteClient(url)
    _, page = browser.get("/login")
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    form = {"csrf_token": token.group(1), "username": "susan", "password": DEMO_PASSWORD}
    browser.request("/login", data=form)
    _, page = browser.get("/index")
    assert "Hi, susan!" in page, page
    return browser.cookie_header()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        flask_url = stack.enter_context(flask_site(folder))
        seed = ["--users", "1000", "--posts", "10000"]
        ours = stack.enter_context(running_site(folder, workers=2, seed_args=seed))
        browser = SiteClient(ours.url)
        browser.log_in("susan", DEMO_PASSWORD)
        cookies = {"flask": flask_cookie(flask_url), "ours": browser.cookie_header()}
        urls = {"flask": flask_url, "ours": ours.url}

        def load(site, path, seconds):
            cookie = None if path in ANONYMOUS else cookies[site]
            return wrk(urls[site] + path, seconds, cookie)

        for site in urls:
            for path in FLOORS:
                load(site, path, 2)  # warm
        measured = {(site, path): [] for site in urls for path in FLOORS}
        for round_ in range(args.rounds):
            order = list(urls) if round_ % 2 == 0 else list(urls)[::-1]
            for path in FLOORS:
                for site in order:
                    measured[site, path].append(load(site, path, args.seconds))
    medians = {
        key: [statistics.median(column) for column in zip(*runs, strict=True)]
        for key, runs in measured.items()
    }
    print(f"\n{args.rounds} rounds of {args.seconds} s, 16 connections, 2 workers each, medians")
    print(f"{'page':<12} {'site':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for path, floor in FLOORS.items():
        for site in urls:
            rate, p50, p99 = medians[site, path]
            print(f"{path:<12} {site:<6} {rate:8.0f} {p50:8.2f} {p99:8.2f}")
        (rate, _, p99), (flask_rate, _, flask_p99) = medians["ours", path], medians["flask", path]
        print(
            f"{'':<12} ours/flask: req/s {rate / flask_rate:.2f} (floor {floor}), "
            f"p99 {p99 / flask_p99:.2f} (floor: at most 1)"
        )


if __name__ == "__main__":
    main()
