from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone

from microblog.errors.models import ErrorGroup

# The occurrences-per-day chart: one bar per day, in SVG user units (pixels).
BAR_WIDTH, BAR_GAP, CHART_HEIGHT = 14, 2, 60


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("unresolved", "Unresolved"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "unresolved":
            return queryset.filter(resolved_at=None)
        if self.value() == "resolved":
            return queryset.exclude(resolved_at=None)
        return queryset


@admin.register(ErrorGroup)
class ErrorGroupAdmin(admin.ModelAdmin):
    """The errors, a row per cause; staff find one by the reference a user quotes (request id).

    An error's page (its change page, change_form.html) is for reading and one click: it leads
    with what broke and the latest traceback, and offers Resolve or Reopen, nothing to edit.
    """

    list_display = ["error", "count", "last_seen", "resolved"]
    list_filter = [StatusFilter, "environment"]
    search_fields = ["=occurrences__request_id", "exception", "message", "path"]
    search_help_text = "An error reference (request id), or words of the exception, message, path."
    readonly_fields = [f.name for f in ErrorGroup._meta.fields]
    change_form_template = "admin/errors/errorgroup/change_form.html"
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False

    @admin.display(ordering="exception")
    def error(self, group):
        return group.headline

    @admin.display(boolean=True, ordering="resolved_at")
    def resolved(self, group):
        return group.resolved_at is not None

    @admin.action(description="Mark resolved (a new occurrence reopens it)", permissions=["change"])
    def mark_resolved(self, request, queryset):
        resolved = queryset.filter(resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, f"{resolved} error(s) marked resolved.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            group = self.get_queryset(request).get(pk=object_id)
        except (ErrorGroup.DoesNotExist, ValueError, ValidationError):
            group = None  # Django's own page answers: it doesn't exist
        if group is not None:
            extra_context = {**(extra_context or {}), **self.error_page_context(group)}
        return super().change_view(request, object_id, form_url, extra_context)

    def error_page_context(self, group):
        occurrences = list(group.occurrences.all())
        latest = occurrences[0] if occurrences else None
        details = (latest.details if latest else None) or {}
        return {
            "title": group.headline,
            "latest": latest,
            "frames": details.get("frames", []),
            "request_details": details.get("request"),
            "older": occurrences[1:],
            "users_affected": len({o.user for o in occurrences if o.user}),
            "kept": len(occurrences),
            "chart": chart(group.daily_counts()),
        }

    def save_model(self, request, obj, form, change):
        """The page's only change: its Resolve or Reopen button."""
        if "_resolve" in request.POST:
            obj.resolve(request.user)
        elif "_reopen" in request.POST:
            obj.reopen()

    def response_change(self, request, obj):
        """Back to the error's page, saying what the click did."""
        message = "Resolved." if obj.resolved_at else "Reopened."
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(request.path)


def chart(days):
    """The bars of the occurrences-per-day chart, as SVG rectangles: x, y, height, day, count."""
    highest = max((count for _, count in days), default=0)
    bars = []
    for n, (day, count) in enumerate(days):
        # A day with any count makes highest more than 0.
        height = round(count / highest * CHART_HEIGHT) if count else 0
        x = n * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {"x": x, "y": CHART_HEIGHT - height, "height": height, "day": day, "count": count}
        )
    return {
        "bars": bars,
        "bar_width": BAR_WIDTH,
        "width": len(days) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT,
        "highest": highest,
    }
