import contextlib

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.db.models import Q

from microblog.posts.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "What `make production` does before it serves: migrate, refuse staff accounts with the "
        "published demo password, collect the static files and prune old error records."
    )

    def handle(self, **options):
        # In one process: each manage.py run spends half a second starting Django, and this runs
        # at every start of the server.
        with migration_lock():
            call_command("migrate", interactive=False)
        refuse_demo_staff()
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("prune_errors")


# The key of the advisory lock that hosts migrating one PostgreSQL database take (any fixed number
# that nothing else on that database uses).
MIGRATION_LOCK = 7_311_042


@contextlib.contextmanager
def migration_lock():
    """On PostgreSQL, hold a lock of the database's around `migrate`: hosts that start at once
    (a rolling deploy, an autoscaler) migrate one at a time, and the later ones find nothing left
    to do, where running at once they failed half-way. A host waits here while another migrates,
    then serves. (SQLite serves one machine: its write lock is enough.)"""
    if connection.vendor != "postgresql":
        yield
        return
    # A session lock: it holds across migrate's transactions, and goes with the connection.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def refuse_demo_staff():
    """Stop the start if a staff account has the demo password that the README publishes (a
    database that `make run` seeded, put into production)."""
    staff = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    for user in staff:
        if check_password(DEMO_PASSWORD, user.password):
            raise CommandError(
                f"The staff account {user.get_username()!r} has the demo password that the "
                "README publishes: anyone could sign in to the admin. Give it a password of its "
                f"own (python manage.py changepassword {user.get_username()}) or deactivate it, "
                "then start again."
            )
