from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

# Occurrences kept per group: enough to see a pattern, bounded in an error storm (the count goes
# on counting all of them).
KEEP_OCCURRENCES = 50


class ErrorGroupQuerySet(models.QuerySet):
    def add_occurrence(self, report):
        """Count one occurrence of `report`'s error; return its group and whether the group had
        been marked resolved (a regression: it is open again)."""
        with transaction.atomic():
            group, _ = self.get_or_create(
                fingerprint=report.fingerprint,
                defaults={
                    "exception": report.exception,
                    "message": report.message,
                    "view": report.view,
                    "first_seen": report.time,
                    "last_seen": report.time,
                },
            )
            self.filter(pk=group.pk).update(
                count=F("count") + 1,
                resolved_by=None,
                message=report.message,
                path=report.path,
                last_seen=report.time,
                environment=settings.ENVIRONMENT,
                release=settings.RELEASE,
                resolved_at=None,
            )
            group.occurrences.create(
                request_id=report.request_id,
                time=report.time,
                path=report.path,
                user=report.user,
                report=report.text,
                details=report.details,
            )
            day = timezone.localdate(report.time)
            DailyCount.objects.get_or_create(group=group, day=day)
            DailyCount.objects.filter(group=group, day=day).update(count=F("count") + 1)
            older = group.occurrences.values_list("pk", flat=True)[KEEP_OCCURRENCES:]
            Occurrence.objects.filter(pk__in=list(older)).delete()
        return group, group.resolved_at is not None


class ErrorGroup(models.Model):
    """One error, by cause (fingerprint.py): how often, where, since when, and is it resolved."""

    fingerprint = models.CharField(max_length=32, unique=True)
    exception = models.CharField(max_length=255)
    message = models.TextField()
    view = models.CharField(max_length=255, blank=True)
    path = models.TextField("latest path", blank=True)
    count = models.PositiveBigIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    environment = models.CharField(max_length=100, blank=True)
    release = models.CharField(max_length=100, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ErrorGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = "error"

    def __str__(self):
        return f"{self.exception}: {self.message[:80]}"

    def get_admin_url(self):
        return reverse("admin:errors_errorgroup_change", args=[self.pk])

    @property
    def headline(self):
        """The exception's class name and the start of its message: what broke, in one line."""
        return f"{self.exception.rpartition('.')[2]}: {self.message[:90]}"

    def resolve(self, user):
        """Staff say it is fixed: no email for it until it happens again, which reopens it."""
        self.resolved_at, self.resolved_by = timezone.now(), user
        self.save(update_fields=["resolved_at", "resolved_by"])

    def reopen(self):
        self.resolved_at = self.resolved_by = None
        self.save(update_fields=["resolved_at", "resolved_by"])

    def daily_counts(self, days=30):
        """The occurrences of each of the last `days` days, oldest first: (day, count)."""
        first = timezone.localdate() - timedelta(days=days - 1)
        counts = dict(self.days.filter(day__gte=first).values_list("day", "count"))
        shown = [first + timedelta(n) for n in range(days)]
        return [(day, counts.get(day, 0)) for day in shown]


class Occurrence(models.Model):
    """One time an error happened: what the admins' email said of it."""

    group = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="occurrences")
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    time = models.DateTimeField()
    path = models.TextField(blank=True)
    user = models.CharField(max_length=150, blank=True)
    # The email's text, and the same as data (frames with code and local variables, the
    # request): both scrubbed (reporter.py). Rows from before details were kept have none.
    report = models.TextField()
    details = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.request_id}"


class DailyCount(models.Model):
    """How often an error happened on one day: the error's page charts the last 30 days, which
    the kept occurrences (the latest 50) can't tell of an error that happens thousands of times."""

    group = models.ForeignKey(ErrorGroup, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "day"], name="errors_dailycount_group_day")
        ]

    def __str__(self):
        return f"{self.day}: {self.count}"
