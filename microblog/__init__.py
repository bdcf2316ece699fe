import os
import sys


def load_settings_or_exit():
    """Load the settings now, and if they refuse this configuration, say why and stop.

    Left to themselves, manage.py would go on and fail later with a less helpful error, and the
    server would fail each worker in turn.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"microblog: {error}")
