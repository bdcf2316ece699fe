from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import BaseCommand, CommandError, call_command
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
        call_command("migrate", interactive=False)
        refuse_demo_staff()
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("prune_errors")


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
