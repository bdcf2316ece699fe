"""cProfile of the pages as the production app serves them: the WSGI app called in this process.

    .venv/bin/python -m bench.profile [/login /index ...] [--requests 2000] [--top 25]

A scratch SQLite database with 1,000 users and 10,000 posts, DEBUG off, the database cache.
Prints each page's time per request (without the profiler) and its top functions.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from livesite import PRODUCTION_SECRET_KEY, prepare, production_env
from microblog.posts.demo import DEMO_PASSWORD

PAGES = ["/login", "/index", "/user/susan", "/edit_profile"]


def environ(path, cookie):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
    }


def request(application, path, cookie):
    response = application(environ(path, cookie), lambda status, headers: None)
    b"".join(response)
    response.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", help="tottime or cumulative")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="microblog-profile-"))
    env = production_env(tmp, f"sqlite:///{tmp / 'db.sqlite3'}", SECRET_KEY=PRODUCTION_SECRET_KEY)
    seed = ["seed_demo", "--users", "1000", "--posts", "10000"]
    prepare(env, ["migrate"], seed, ["collectstatic", "--noinput", "--verbosity", "0"])
    os.environ.update({k: str(v) for k, v in env.items()}, LOG_TO_STDOUT="off")

    from django.test import Client

    from microblog.wsgi import application

    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/login", {"username": "susan", "password": DEMO_PASSWORD})
    # What a logged-in browser sends: its session and the CSRF cookie it got with the login.
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    for path in args.pages:
        page_cookie = "" if path == "/login" else cookie
        for _ in range(50):  # warm: caches, connections
            request(application, path, page_cookie)
        started = time.perf_counter()
        for _ in range(args.requests):
            request(application, path, page_cookie)
        per_request = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n== {path}: {per_request:.3f} ms per request")
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            request(application, path, page_cookie)
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
