"""Why `make production` runs granian: it beside sync gunicorn, in one run, on the same database.

For each server (2 workers each): how many of 10 visits to /login answer within 1 s while 8 slow
clients trickle their headers, and while 8 trickle a form's body; then req/s, p50 and p99 of
/login and /user/susan under wrk.

    .venv/bin/python -m bench.servers [--seconds 10]
"""

import argparse
import sys
import tempfile
from pathlib import Path

from bench.load import wrk
from livesite import (
    SiteClient,
    SlowClients,
    free_port,
    prepare,
    production_env,
    scratch_database,
    seed_production,
    serve,
    visits,
)
from microblog.posts.demo import DEMO_PASSWORD


def servers(port):
    gunicorn = [sys.executable, "-m", "gunicorn", "microblog.wsgi", "--workers", "2"]
    return {
        "gunicorn, 2 sync workers": (gunicorn + ["--bind", f"127.0.0.1:{port}"], {}),
        "granian (make production)": ([sys.executable, "-m", "microblog.server"], {"PORT": port}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="microblog-servers-"))
    print(f"{'server':<28} {'slow headers':>12} {'slow bodies':>12} {'page':<12}", end=" ")
    print(f"{'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}")
    with scratch_database(tmp) as database_url:
        env = production_env(tmp, database_url, PRODUCTION_SERVER="on")
        seed_production(env, ["--users", "1000", "--posts", "10000"])
        prepare(env, ["collectstatic", "--noinput", "--verbosity", "0"])
        port = free_port()
        for name, (command, extra) in servers(port).items():
            url = f"http://127.0.0.1:{port}"
            with serve(tmp, env | extra, command, url):
                visits(url + "/login", count=3, timeout=10)  # workers up
                answered = {}
                for body in [False, True]:
                    with SlowClients(url, 8, body=body):
                        answered[body] = visits(url + "/login", count=10, timeout=1.0).count(200)
                slow = f"{answered[False]}/10 {answered[True]:>10}/10"
                browser = SiteClient(url)
                browser.log_in("susan", DEMO_PASSWORD)
                cookie = browser.cookie_header()
                for path, page_cookie in [("/login", None), ("/user/susan", cookie)]:
                    wrk(url + path, 2, page_cookie)  # warm
                    rate, p50, p99 = wrk(url + path, args.seconds, page_cookie)
                    print(f"{name:<28} {slow:>25} {path:<12} {rate:7.0f} {p50:7.2f} {p99:7.2f}")


if __name__ == "__main__":
    main()
