#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        # Django would go on and fail later with a less helpful error: say why, and stop.
        sys.exit(f"microblog: {error}")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
