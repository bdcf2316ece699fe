from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from accounts import lockout  # noqa: F401 (connects its pre_save receiver)
