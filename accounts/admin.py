from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import IntegrityError

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # Staff follow the username rule that users do (forms.py).
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    # What fits a 1280 px screen beside the filters; the rest is on each user's page.
    list_display = ["username", "email", "is_staff", "last_seen"]
    readonly_fields = ["last_seen", "last_login", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ["about_me", "last_seen"]}),
    ]

    def add_view(self, request, form_url="", extra_context=None):
        return self.unless_name_taken(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.unless_name_taken(
            super().change_view, request, object_id, form_url, extra_context
        )

    def unless_name_taken(self, view, request, *args):
        """The admin's add or change page, safe from two staff saving one name at once.

        Both saves can pass the form's clean_username before either is written; the unique
        constraint then refuses the later one, and the admin's own transaction rolls back all it
        did. The form is then taken once more: its check now sees the name taken and shows the
        error that any collision gets. An IntegrityError of another cause fails that second time
        too, as it did the first.
        """
        try:
            return view(request, *args)
        except IntegrityError:
            if request.method != "POST":
                raise
            return view(request, *args)


# axes' list of failed logins, cut to what fits a 1280 px screen (the browser and path are on
# each row's page): who, from where, how often, and whether that is a lockout now.
admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "status"]
