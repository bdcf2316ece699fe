"""How error emails affect the user's 500 page, and how many emails a repeated error sends.

Runs the production site (`make production`, DEBUG off) against a real SMTP server that answers at
once, one that takes 6 seconds to answer, and a port where nothing listens; prints the 500-page
latency for each side by side; then a storm of identical errors: the 500 page's latency at its start
and at its end, the emails it sent and the rows it left in the Errors admin.

    .venv/bin/python -m bench.error_email [--requests 30] [--storm 2000]
"""

import argparse
import statistics
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

from livesite import STAFF_PASSWORD, SiteClient, free_port, manage, running_site, smtp_sink


def error_page_latencies(site_url, requests):
    browser = SiteClient(site_url)
    browser.log_in("admin", STAFF_PASSWORD)
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = browser.get("/errors/test")
        latencies.append(time.perf_counter() - started)
        assert status == 500, status
    return latencies


def measure(sink, requests, **env):
    with tempfile.TemporaryDirectory() as tmp, sink as inbox:
        url = inbox.url if inbox else f"smtp://127.0.0.1:{free_port()}"
        with running_site(Path(tmp), EMAIL_URL=url, **env) as site:
            return error_page_latencies(site.url, requests), inbox


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--storm", type=int, default=2000)
    args = parser.parse_args()

    # A window of 0 emails every error, so that every request meets the mail server.
    servers = {
        "answers at once": smtp_sink(),
        "answers after 6 s": smtp_sink(delay=6),
        "down (nothing listens)": nullcontext(),
    }
    medians = {}
    print(f"500 page, {args.requests} errors each, every error emailed:")
    print(f"{'mail server':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 vs fast':>12}")
    for name, sink in servers.items():
        latencies, _ = measure(sink, args.requests, ERROR_EMAIL_WINDOW=0)
        ms = sorted(1000 * s for s in latencies)
        medians[name] = statistics.median(ms)
        ratio = medians[name] / medians["answers at once"]
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(f"{name:<24} {medians[name]:8.1f} {p95:8.1f} {ms[-1]:8.1f} {ratio:12.2f}")

    storm(args.storm)


COUNT_ROWS = """
from microblog.errors.models import ErrorGroup, Occurrence
print(sum(ErrorGroup.objects.values_list("count", flat=True)), Occurrence.objects.count())
"""


def storm(size):
    """`size` identical errors, one after another (default 10-minute window)."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        smtp_sink() as inbox,
        running_site(Path(tmp), EMAIL_URL=inbox.url) as site,
    ):
        ms = [1000 * s for s in error_page_latencies(site.url, size)]
        emails = len(inbox.wait_for(1, quiet=2))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the worker records in the background
            counts = manage("shell", "-v0", "-c", COUNT_ROWS, **site.env).stdout.split()
            counted, rows = map(int, counts)
            if counted == size:
                break
            time.sleep(1)
    first, last = statistics.median(ms[:100]), statistics.median(ms[-100:])
    print(f"\nA storm of {size} identical errors:")
    print(f"500 page p50, first 100: {first:.1f} ms; last 100: {last:.1f} ms ({last / first:.2f}x)")
    print(f"emails: {emails}; counted in the Errors admin: {counted}; occurrence rows: {rows}")


if __name__ == "__main__":
    main()
