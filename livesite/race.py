"""Two users renaming themselves to the same new name at the same moment, many times over.

Shared by the race test (tests/test_username_race.py) and its benchmark (bench/rename_race.py).
"""

import threading
import time
from dataclasses import dataclass

import psycopg

from accounts.models import USERNAME_TAKEN
from livesite import SiteClient, write_lock
from microblog.posts.demo import DEMO_PASSWORD

SAVED = "Your changes have been saved."


@dataclass
class RaceResult:
    rounds: int
    server_errors: int = 0  # 5xx responses
    one_owner: int = 0  # rounds after which exactly one of the two holds the name
    in_flight_together: int = 0  # rounds in which both requests were sent before either answer
    # Rounds in which both renames were past validation before either saved (None: not watched,
    # on SQLite, where a write transaction takes the write lock before it validates anything).
    validated_together: int | None = None


def rename_race(site_url, database_url, rounds, other_host_url=None):
    """Race susan and john to a new name `rounds` times; john through `other_host_url`, when
    given (another host of the same site, on the same database).

    Each round holds the site database's write lock until both requests are at the server, so
    that neither is answered before the other arrives. On PostgreSQL it holds it until both
    renames wait for it in the UPDATE that writes the new name: both past validation, neither
    saved. Then it lets them go, and the database's unique constraint has the last word.
    """
    postgres = database_url.startswith("postgres")
    racers = {"susan": SiteClient(site_url), "john": SiteClient(other_host_url or site_url)}
    for name, browser in racers.items():
        browser.log_in(name, DEMO_PASSWORD)
        browser.get("/edit_profile")
    result = RaceResult(rounds, validated_together=0 if postgres else None)
    for round_number in range(rounds):
        new_name = f"winner{round_number}"
        answers, in_flight_together, validated_together = race_once(
            racers.values(), new_name, database_url
        )
        result.in_flight_together += in_flight_together
        if postgres:
            result.validated_together += validated_together
        result.server_errors += sum(status >= 500 for status, _ in answers)
        saved = sum(SAVED in page for _, page in answers)
        refused = sum(USERNAME_TAKEN in page for _, page in answers)
        owner_page = racers["susan"].get(f"/user/{new_name}")
        result.one_owner += saved == 1 and refused == 1 and owner_page[0] == 200
    return result


def race_once(browsers, new_name, database_url):
    """Both browsers rename their users to `new_name` at once. Returns their (status, page)
    answers, whether both requests were sent before either answer came, and (on PostgreSQL)
    whether both were past validation before either saved."""
    start = threading.Barrier(len(browsers))
    answers, sent, answered = [], [], []

    def rename(browser):
        start.wait()
        sent.append(time.monotonic())
        answers.append(browser.post("/edit_profile", {"username": new_name, "about_me": ""}))
        answered.append(time.monotonic())

    threads = [threading.Thread(target=rename, args=(browser,)) for browser in browsers]
    validated_together = None
    with write_lock(database_url, "accounts_user"):
        for thread in threads:
            thread.start()
        if database_url.startswith("postgres"):
            validated_together = both_wait_to_write(database_url, new_name)
        else:  # SQLite shows no one waiting: give both requests time to come to the lock
            while len(sent) < len(browsers):
                time.sleep(0.01)
            time.sleep(0.05)
    for thread in threads:
        thread.join()
    return answers, max(sent) < min(answered), validated_together


def both_wait_to_write(postgres_url, new_name, timeout=10):
    """Whether two of the database's sessions came to wait for a lock, within `timeout`
    seconds, in statements that write `new_name`."""
    waiting = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
        AND wait_event_type = 'Lock' AND query LIKE %s"""
    deadline = time.monotonic() + timeout
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            [count] = connection.execute(waiting, [f"%'{new_name}'%"]).fetchone()
            if count == 2:
                return True
            time.sleep(0.01)
    return False
