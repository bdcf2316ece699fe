from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_staff", "last_seen", "date_joined"]
    readonly_fields = ["last_seen", "last_login", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ["about_me", "last_seen"]}),
    ]
