"""Many rounds of two users renaming themselves to the same new name at the same moment.

Runs the production site (`make production`, DEBUG off, several workers) on a scratch database:
SQLite, or PostgreSQL when DATABASE_URL points there. Prints how many rounds ran, how many responses
were 5xx (must be 0), how many rounds ended with exactly one owner of the name (must be all), and
how many overlapped: both requests in flight at once and, on PostgreSQL, both past validation
before either saved (each round holds the write lock until both are at the server).

    .venv/bin/python -m bench.rename_race [--rounds 200] [--workers 4]
"""

import argparse
import tempfile
from pathlib import Path

from livesite import running_site
from livesite.race import rename_race


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_site(Path(tmp), workers=args.workers) as site,
    ):
        result = rename_race(site.url, site.database_url, args.rounds)
    print(
        f"rounds: {result.rounds}  5xx responses: {result.server_errors}  rounds with exactly "
        f"one owner: {result.one_owner}  in flight together: {result.in_flight_together}  "
        f"past validation together: {result.validated_together}"
    )
    return 0 if result.server_errors == 0 and result.one_owner == result.rounds else 1


if __name__ == "__main__":
    raise SystemExit(main())
