from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from microblog.errors.models import ErrorGroup


class Command(BaseCommand):
    help = "Delete errors that were marked resolved more than --days ago (default 90)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = ErrorGroup.objects.filter(resolved_at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} error records resolved before {cutoff:%Y-%m-%d}.")
