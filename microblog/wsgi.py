"""WSGI entry point: the production server (microblog/server.py) and runserver start here."""

import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from microblog.errors.safety_net import SafetyNet

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")

application = SafetyNet(get_wsgi_application())

log = logging.getLogger("microblog")
log.info("Microblog startup (environment %s, release %s)", settings.ENVIRONMENT, settings.RELEASE)
if not settings.ADMINS and not settings.DEBUG:
    log.warning(
        "ADMINS is empty: error emails go to nobody (errors are still logged and in the admin). "
        "Set ADMINS to the addresses that should get them, e.g. ADMINS=ops@example.com"
    )
