from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = (
        "What `make production` does before it serves: migrate, collect the static files and "
        "prune old error records."
    )

    def handle(self, **options):
        # In one process: each manage.py run spends half a second starting Django, and this runs
        # at every start of the server.
        call_command("migrate", interactive=False)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("prune_errors")
