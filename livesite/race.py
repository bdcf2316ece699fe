"""Two users renaming themselves to the same new name at the same moment, many times over.

Shared by the race test (tests/test_username_race.py) and its benchmark (bench/rename_race.py).
"""

import threading

from accounts.models import USERNAME_TAKEN
from livesite import Browser
from microblog.posts.demo import DEMO_PASSWORD

SAVED = "Your changes have been saved."


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
        refused = sum(USERNAME_TAKEN in page for _, page in results)
        owner_page = racers["susan"].get(f"/user/{new_name}")
        if saved == 1 and refused == 1 and owner_page[0] == 200:
            one_owner += 1
    return rounds, server_errors, one_owner
