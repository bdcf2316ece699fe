"""Production server workers; two users renaming themselves to the same name at the same moment."""

import pytest

from livesite import running_site
from livesite.race import rename_race

pytestmark = pytest.mark.slow

ROUNDS = 40


def test_racing_renames_never_500_and_leave_exactly_one_owner(tmp_path):
    with running_site(tmp_path, workers=4) as site:
        rounds, server_errors, one_owner = rename_race(site.url, ROUNDS)

    assert (rounds, server_errors, one_owner) == (ROUNDS, 0, ROUNDS)
    assert "database is locked" not in site.log()
