"""This tree and another served at once, their pages measured side by side in interleaved rounds.

Each tree runs its own `make production` (2 workers, DEBUG off, SQLite with 1,000 users and 10,000
posts from its own seed_demo). Each round loads each page on one tree and then on the other, so
that what the machine's speed does during the run, it does to both; which tree goes first
alternates from round to round. Prints medians over the rounds, and this tree's requests/s and
p99 as fractions of the other's.

    git worktree add ../before <commit>
    make -C ../before check  # makes its .venv
    .venv/bin/python -m bench.compare ../before [--seconds 5] [--rounds 3] [--pages /login ...]
"""

import argparse
import contextlib
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.load import PAGES, wrk
from livesite import (
    ROOT,
    SET_STAFF_PASSWORD,
    SiteClient,
    free_port,
    production_env,
    serve,
    site_env,
)
from microblog.posts.demo import DEMO_PASSWORD


@contextlib.contextmanager
def served(tree, folder):
    """`tree`'s `make production`, on a database that its own commands made."""
    env = production_env(folder, f"sqlite:///{folder / 'db.sqlite3'}", SECURE_COOKIES="off")
    seed = ["seed_demo", "--users", "1000", "--posts", "10000"]
    for command in [["migrate"], seed, ["shell", "-c", SET_STAFF_PASSWORD]]:
        python = tree / ".venv" / "bin" / "python"
        subprocess.run(
            [python, "manage.py", *command], cwd=tree, env=site_env(**env), check=True, timeout=300
        )
    port = free_port()
    env |= {"PORT": port, "WEB_CONCURRENCY": 2}
    with serve(folder, env, ["make", "production"], f"http://127.0.0.1:{port}", tree) as site:
        yield site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other tree, with its .venv made")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES))
    args = parser.parse_args()
    pages = {path: PAGES[path] for path in args.pages}
    trees = {"this": ROOT, "other": args.other.resolve()}
    with contextlib.ExitStack() as stack:
        loads = {}
        for name, tree in trees.items():
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = stack.enter_context(served(tree, folder)).url
            browser = SiteClient(url)
            browser.log_in("susan", DEMO_PASSWORD)
            for path, logged_in in pages.items():
                loads[name, path] = (url + path, browser.cookie_header() if logged_in else None)
        for url, cookie in loads.values():
            wrk(url, 2, cookie)  # warm
        measured = {key: [] for key in loads}
        for round_ in range(args.rounds):
            # Which tree goes first alternates: a page loaded just after the other tree's load
            # meets a machine in another state (caches, clock), and that must not favour one.
            order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]
            for path in pages:
                for name in order:
                    url, cookie = loads[name, path]
                    measured[name, path].append(wrk(url, args.seconds, cookie))
    medians = {
        key: [statistics.median(column) for column in zip(*runs, strict=True)]
        for key, runs in measured.items()
    }
    print(
        f"\n{args.rounds} rounds of {args.seconds} s, 16 connections, medians; other: {args.other}"
    )
    print(f"{'page':<14} {'tree':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for path in pages:
        for name in trees:
            rate, p50, p99 = medians[name, path]
            print(f"{path:<14} {name:<6} {rate:8.0f} {p50:8.2f} {p99:8.2f}")
        (rate, _, p99), (other_rate, _, other_p99) = medians["this", path], medians["other", path]
        print(f"{'':<14} this/other: req/s {rate / other_rate:.2f}, p99 {p99 / other_p99:.2f}")


if __name__ == "__main__":
    main()
