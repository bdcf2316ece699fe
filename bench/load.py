"""Load benchmark: the production server under wrk, page by page, beside a yardstick.

Starts the site as production runs it (`make production`: 2 workers, DEBUG off) with 1,000 users
and 10,000 posts on SQLite and, when DATABASE_URL is given, on PostgreSQL too (a scratch database
on that server). Beside it runs the yardstick: a bare one-view Django app (bench/yardstick.py) on
gunicorn with 2 sync workers. Each round gives the yardstick and then each page `--seconds` of load
at 16 connections, the logged-in pages with the cookies of a browser that logged in (its session
and its CSRF cookie). Prints, as medians over `--rounds` rounds, requests/s, p50 and p99 latency,
and each page's requests/s as a fraction of the yardstick's; then SQL queries per page and the
peak RSS of each worker. (The machine's speed drifts within a run: rounds spread it over all.)

    .venv/bin/python -m bench.load [--seconds 10] [--rounds 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/microblog .venv/bin/python -m bench.load

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from livesite import ROOT, SiteClient, free_port, manage, running_site, wait_for_port
from microblog.posts.demo import DEMO_PASSWORD

PAGES = {
    "/login": False,  # anonymous
    "/index": True,  # logged in
    "/user/susan": True,
    "/edit_profile": True,
}
COUNT_QUERIES = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
client = Client()
for path, logged_in in {pages!r}.items():
    client.logout()
    if logged_in:
        susan = User.objects.get(username="susan")
        client.force_login(susan, backend="django.contrib.auth.backends.ModelBackend")
    client.get(path)  # warm: last_seen, caches
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    assert status == 200, (path, status)
    print(path, len(queries))
"""


def wrk(url, seconds, cookie=None):
    """Return (requests/s, p50 ms, p99 ms) of `seconds` of load at 16 connections."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    return rate, latency_ms(out, "50%"), latency_ms(out, "99%")


def latency_ms(wrk_output, percentile):
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)$", wrk_output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def peak_rss_mb(worker_pids):
    """The peak resident memory (VmHWM) of each worker process."""
    peaks = []
    for pid in worker_pids:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


def query_counts(site):
    env = site.env | {"ALLOWED_HOSTS": "testserver"}
    done = manage("shell", "-c", COUNT_QUERIES.format(pages=PAGES), **env)
    assert done.returncode == 0, done.stderr
    return dict(line.rsplit(" ", 1) for line in done.stdout.splitlines() if line.startswith("/"))


@contextlib.contextmanager
def gunicorn(python, application, cwd, env=None):
    """The URL of `application` served by gunicorn with 2 sync workers."""
    port = free_port()
    command = [python, "-m", "gunicorn", application, "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=cwd, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def yardstick():
    """The URL of the bare Django app, served by gunicorn with 2 sync workers."""
    return gunicorn(sys.executable, "bench.yardstick:application", ROOT)


def benchmark(database, seconds, rounds):
    with tempfile.TemporaryDirectory() as tmp, yardstick() as bare_site:
        bare_url = f"{bare_site}/"
        seed = ["--users", "1000", "--posts", "10000"]
        # Keep the access log off stdout's pipe to a file, as a real deployment would.
        with running_site(Path(tmp), workers=2, seed_args=seed, SECURE_COOKIES="off") as site:
            browser = SiteClient(site.url)
            browser.log_in("susan", DEMO_PASSWORD)
            cookie = browser.cookie_header()
            loads = {"yardstick": (bare_url, None)}
            for path, logged_in in PAGES.items():
                loads[path] = (site.url + path, cookie if logged_in else None)
            for url, load_cookie in loads.values():
                wrk(url, 2, load_cookie)  # warm
            # Round by round, the yardstick and then each page: what the machine's speed does
            # during the run, it does to them alike, and the medians leave out a round it spoils.
            measured = {name: [] for name in loads}
            for _ in range(rounds):
                for name, (url, load_cookie) in loads.items():
                    measured[name].append(wrk(url, seconds, load_cookie))
            queries = query_counts(site)
            rss = peak_rss_mb(site.worker_pids())
    medians = {
        name: [statistics.median(column) for column in zip(*runs, strict=True)]
        for name, runs in measured.items()
    }
    bare = medians["yardstick"][0]
    print(
        f"\n{database}: 2 workers, 1,000 users, 10,000 posts, 16 connections, "
        f"{rounds} rounds of {seconds} s, medians"
    )
    header = f"{'page':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}"
    print(f"{header} {'× yardstick':>12}")
    for name, (rate, p50, p99) in medians.items():
        count = queries.get(name, 0)
        print(f"{name:<16} {rate:8.0f} {p50:8.2f} {p99:8.2f} {count:>8} {rate / bare:12.2f}")
    rates = sorted(rate for rate, _, _ in measured["yardstick"])
    print(f"yardstick req/s by round: {', '.join(f'{rate:.0f}' for rate in rates)}")
    print("peak RSS per worker: " + ", ".join(f"{mb:.0f} MB" for mb in rss))


def on_each_database(benchmark, seconds, rounds):
    """Run `benchmark` on SQLite and, when DATABASE_URL names a PostgreSQL server, there too."""
    postgres = os.environ.pop("DATABASE_URL", "")
    benchmark("SQLite", seconds, rounds)
    if postgres:
        os.environ["DATABASE_URL"] = postgres
        benchmark("PostgreSQL", seconds, rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    on_each_database(benchmark, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
