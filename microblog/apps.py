import logging

from django.apps import AppConfig


class MicroblogConfig(AppConfig):
    """The site itself: posts, the home page, error pages and logging."""

    name = "microblog"

    def ready(self):
        logging.getLogger("microblog").info("Microblog startup")
