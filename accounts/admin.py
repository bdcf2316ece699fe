from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    # Staff follow the username rule that users do (forms.py).
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ["username", "email", "is_staff", "last_seen", "date_joined"]
    readonly_fields = ["last_seen", "last_login", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ["about_me", "last_seen"]}),
    ]
