"""Whether a page's cost grows with the data behind it: the demo data and a large database served
side by side, in one run, on SQLite and (with DATABASE_URL) on PostgreSQL.

Two `make production` sites from this tree, one worker each: one on `seed_demo`'s data (3 users,
2 posts), one on 100,000 users and 1,000,000 posts, 200,000 of them susan's. Each round loads each
page on one site and then on the other, which goes first alternating. Prints the medians over the
rounds and each page's large/demo ratio of requests/s and of p99.

    .venv/bin/python -m bench.large_data [--seconds 5] [--rounds 4]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/microblog .venv/bin/python -m bench.large_data

Needs wrk (Debian: apt-get install wrk).
"""

import argparse
import contextlib
import statistics
import tempfile
import time
from pathlib import Path

from bench.load import on_each_database, wrk
from livesite import (
    SiteClient,
    free_port,
    prepare,
    production_env,
    run_sql,
    scratch_database,
    seed_production,
    serve,
)
from microblog.posts.demo import DEMO_PASSWORD

USERS = 100_000
POSTS = 1_000_000
SUSANS_SHARE = 5  # every 5th post is susan's: 200,000
PAGES = {
    "/login": False,  # anonymous
    "/index": True,
    "/user/susan": True,  # 200,000 posts behind it in the large database
    "/user/john": True,
    "/edit_profile": True,
}
# One post a minute, going back two years: every 5th susan's, the others spread over the
# generated users (ids from `first` to `last`). Bulk SQL: the ORM would take minutes.
POSTS_SQL = {
    "sqlite": """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {posts})
        INSERT INTO posts_post (author_id, body, timestamp)
        SELECT CASE WHEN i % {share} = 0 THEN {susan} ELSE {first} + i % ({last} - {first} + 1)
               END,
               'Post number ' || i || ' of the large database',
               strftime('%Y-%m-%d %H:%M:%f', '2024-12-01', '+' || i || ' minutes')
        FROM n
    """,
    "postgres": """
        INSERT INTO posts_post (author_id, body, "timestamp")
        SELECT CASE WHEN i % {share} = 0 THEN {susan} ELSE {first} + i % ({last} - {first} + 1)
               END,
               'Post number ' || i || ' of the large database',
               timestamptz '2024-12-01 00:00:00+00' + i * interval '1 minute'
        FROM generate_series(1, {posts}) AS i
    """,
}
USER_IDS = """
    SELECT (SELECT id FROM accounts_user WHERE username = 'susan'),
           (SELECT min(id) FROM accounts_user WHERE username LIKE 'user%'),
           (SELECT max(id) FROM accounts_user WHERE username LIKE 'user%')
"""


def seed_large(env):
    """Seed a production site's database with the large data set; returns the seconds taken."""
    started = time.perf_counter()
    seed_production(env, ["--users", str(USERS - 3)])  # and admin, susan and john
    database_url = env["DATABASE_URL"]
    kind = "postgres" if database_url.startswith("postgres") else "sqlite"
    [(susan, first, last)] = run_sql(database_url, USER_IDS)
    statement = POSTS_SQL[kind].format(
        posts=POSTS, share=SUSANS_SHARE, susan=susan, first=first, last=last
    )
    run_sql(database_url, statement)
    run_sql(database_url, "ANALYZE")  # the planner's statistics, as a live database has them
    return time.perf_counter() - started


@contextlib.contextmanager
def served(folder, large):
    """A `make production` site (one worker) on the demo data or the large data set."""
    with scratch_database(folder) as database_url:
        env = production_env(folder, database_url, SECURE_COOKIES="off")
        if large:
            print(f"seeded {USERS:,} users and {POSTS:,} posts in {seed_large(env):.0f} s")
        else:
            seed_production(env)
        prepare(env, ["collectstatic", "--noinput", "--verbosity", "0"])
        port = free_port()
        env |= {"PORT": port, "WEB_CONCURRENCY": 1}
        with serve(folder, env, ["make", "production"], f"http://127.0.0.1:{port}") as site:
            yield site


def benchmark(database, seconds, rounds):
    with contextlib.ExitStack() as stack:
        loads = {}
        for name in ("demo", "large"):
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            site = stack.enter_context(served(folder, large=name == "large"))
            browser = SiteClient(site.url)
            browser.log_in("susan", DEMO_PASSWORD)
            cookie = browser.cookie_header()
            for path, logged_in in PAGES.items():
                loads[name, path] = (site.url + path, cookie if logged_in else None)
        for url, cookie in loads.values():
            wrk(url, 2, cookie)  # warm
        measured = {key: [] for key in loads}
        for round_ in range(rounds):
            order = ["demo", "large"] if round_ % 2 == 0 else ["large", "demo"]
            for path in PAGES:
                for name in order:
                    url, cookie = loads[name, path]
                    measured[name, path].append(wrk(url, seconds, cookie))
    medians = {
        key: [statistics.median(column) for column in zip(*runs, strict=True)]
        for key, runs in measured.items()
    }
    print(
        f"\n{database}: 1 worker each, 16 connections, {rounds} rounds of {seconds} s, "
        "order alternating, medians"
    )
    print(
        f"{'page':<14} {'demo req/s':>10} {'large req/s':>11} {'large/demo':>10} "
        f"{'demo p99':>9} {'large p99':>9} {'p99 large/demo':>14}"
    )
    for path in PAGES:
        (demo_rate, _, demo_p99), (large_rate, _, large_p99) = (
            medians["demo", path],
            medians["large", path],
        )
        print(
            f"{path:<14} {demo_rate:10.0f} {large_rate:11.0f} {large_rate / demo_rate:10.2f} "
            f"{demo_p99:9.2f} {large_p99:9.2f} {large_p99 / demo_p99:14.2f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    on_each_database(benchmark, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
