"""Many rounds of two users renaming themselves to the same new name at the same moment.

Runs the production site (gunicorn, DEBUG off, several workers) on a scratch database: SQLite, or
PostgreSQL when DATABASE_URL points there. Prints how many rounds ran, how many responses were 5xx
(must be 0) and how many rounds ended with exactly one owner of the name (must be all).

    .venv/bin/python -m bench.rename_race [--rounds 200] [--workers 4]
"""

import argparse
import tempfile
import threading
from pathlib import Path

from microblog.demo import DEMO_PASSWORD
from tests.site import Browser, running_site

SAVED = "Your changes have been saved."
TAKEN = "Please use a different username."


def rename_race(site_url, rounds):
    """Return (rounds run, 5xx responses seen, rounds with exactly one owner)."""
    racers = {"susan": Browser(site_url), "john": Browser(site_url)}
    for name, browser in racers.items():
        browser.log_in(name, DEMO_PASSWORD)
        browser.get("/edit_profile")
    server_errors = one_owner = 0
    for round_number in range(rounds):
        new_name = f"winner{round_number}"
        start = threading.Barrier(len(racers))
        results = []

        def rename(browser, new_name=new_name, start=start, results=results):
            start.wait()
            results.append(browser.post("/edit_profile", {"username": new_name, "about_me": ""}))

        threads = [threading.Thread(target=rename, args=(b,)) for b in racers.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        server_errors += sum(status >= 500 for status, _ in results)
        saved = sum(SAVED in page for _, page in results)
        refused = sum(TAKEN in page for _, page in results)
        owner_page = racers["susan"].get(f"/user/{new_name}")
        if saved == 1 and refused == 1 and owner_page[0] == 200:
            one_owner += 1
    return rounds, server_errors, one_owner


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_site(Path(tmp), workers=args.workers) as site,
    ):
        rounds, server_errors, one_owner = rename_race(site.url, args.rounds)
    print(
        f"rounds: {rounds}  5xx responses: {server_errors}  rounds with exactly one owner: "
        f"{one_owner}"
    )
    return 0 if server_errors == 0 and one_owner == rounds else 1


if __name__ == "__main__":
    raise SystemExit(main())
