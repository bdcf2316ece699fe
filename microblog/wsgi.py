"""WSGI entry point: the production server (microblog/server.py) and runserver start here."""

import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from microblog.errors.safety_net import SafetyNet

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")

application = SafetyNet(get_wsgi_application())

logging.getLogger("microblog").info(
    "Microblog startup (environment %s, release %s)", settings.ENVIRONMENT, settings.RELEASE
)
