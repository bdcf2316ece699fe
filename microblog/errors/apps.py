from django.apps import AppConfig


class ErrorsConfig(AppConfig):
    name = "microblog.errors"
    label = "errors"
    verbose_name = "Errors"
