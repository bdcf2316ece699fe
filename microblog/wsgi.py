"""WSGI entry point: the production server (microblog/server.py) and runserver start here."""

import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")

application = get_wsgi_application()

logging.getLogger("microblog").info(
    "Microblog startup (environment %s, release %s)", settings.ENVIRONMENT, settings.RELEASE
)
