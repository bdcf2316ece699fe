"""gunicorn settings for microblog, read by `gunicorn microblog.wsgi` run from the repo root."""

import os

# Settings refuse a DEBUG taken from the development .env when this is on (microblog/settings.py).
os.environ.setdefault("PRODUCTION_SERVER", "on")

bind = f"0.0.0.0:{os.environ['PORT']}" if "PORT" in os.environ else "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
# A worker stuck this long is restarted; on shutdown, workers get as long to finish their requests
# (and send queued error emails).
timeout = 30
graceful_timeout = 30
keepalive = 5

# The access log goes to stdout, each line ending with the request id that the log file, the
# error email and the user's 500 page carry too.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" req=%({x-request-id}o)s'


def on_starting(server):
    """Load the settings once in the master: a bad configuration stops the start with its
    message, instead of every worker failing to boot."""
    from microblog import load_settings_or_exit

    load_settings_or_exit()
