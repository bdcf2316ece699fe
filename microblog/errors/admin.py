from django.contrib import admin
from django.utils import timezone

from microblog.errors.models import ErrorGroup, Occurrence


class OccurrenceInline(admin.StackedInline):
    model = Occurrence
    fields = ["time", "request_id", "path", "user", "report"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ErrorGroup)
class ErrorGroupAdmin(admin.ModelAdmin):
    """The errors, a row per cause; staff find one by the reference a user quotes (request id)."""

    list_display = [
        "exception",
        "short_message",
        "view",
        "path",
        "count",
        "first_seen",
        "last_seen",
        "environment",
        "release",
        "resolved",
    ]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "environment"]
    search_fields = ["=occurrences__request_id", "exception", "message", "path"]
    search_help_text = "An error reference (request id), or words of the exception, message, path."
    readonly_fields = [f.name for f in ErrorGroup._meta.fields]
    inlines = [OccurrenceInline]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="message")
    def short_message(self, group):
        return group.message[:120]

    @admin.display(boolean=True, ordering="resolved_at")
    def resolved(self, group):
        return group.resolved_at is not None

    @admin.action(description="Mark resolved (a new occurrence reopens it)", permissions=["change"])
    def mark_resolved(self, request, queryset):
        resolved = queryset.filter(resolved_at=None).update(resolved_at=timezone.now())
        self.message_user(request, f"{resolved} error(s) marked resolved.")
