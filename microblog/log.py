"""Where errors go: the LOGGING dict, and the few classes our error reports need.

With DEBUG off, every unhandled error is written to logs/microblog.log (or stdout) and emailed to
ADMINS with its traceback; with DEBUG on, Django's debug page shows it and neither handler fires.
Every line and email of a request carries its request id, which the 500 page shows to the user.
"""

import atexit
import hashlib
import logging
import queue
import re
import threading
import traceback
from copy import copy

from django.core.cache import cache
from django.utils import log
from django.views import debug

from microblog.errors.request_id import get_request_id

LOG_FORMAT = "%(asctime)s %(levelname)s: %(request_tag)s%(message)s [in %(pathname)s:%(lineno)d]"

logger = logging.getLogger("microblog.log")


def build_logging(log_dir, *, to_stdout=False, email_window=600, max_bytes=10 * 1024, backups=10):
    """Return the LOGGING dict. The log directory is created if missing, closed to other users."""
    if to_stdout:
        destination = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
    else:
        log_dir.mkdir(parents=True, exist_ok=True)
        # Closed to other users, also when it came with the checkout (git makes it 0755).
        log_dir.chmod(0o750)
        destination = {
            # Several worker processes write to the same file: this handler locks around writes
            # and rotation, so no line is lost or split when the file rotates.
            "class": "concurrent_log_handler.ConcurrentRotatingFileHandler",
            "filename": str(log_dir / "microblog.log"),
            "maxBytes": max_bytes,
            "backupCount": backups,
            "chmod": 0o640,
        }
    production_only = ["require_debug_false", "request_id"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
            "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
            "request_id": {"()": "microblog.log.RequestIdFilter"},
        },
        "formatters": {
            "chapter7": {"()": "microblog.log.EscapingFormatter", "format": LOG_FORMAT},
            "django.server": {
                "()": "django.utils.log.ServerFormatter",
                "format": "[{server_time}] {message}",
                "style": "{",
            },
        },
        "handlers": {
            # Listed before mail_admins so that an error is on record before the email is tried.
            "log": {
                **destination,
                "level": "INFO",
                "filters": production_only,
                "formatter": "chapter7",
            },
            "mail_admins": {
                "level": "ERROR",
                "filters": production_only,
                "class": "microblog.log.AdminEmailHandler",
                "window": email_window,
            },
            "console": {"filters": ["require_debug_true"], "class": "logging.StreamHandler"},
            "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
        },
        "loggers": {
            "django": {"handlers": ["log", "mail_admins", "console"], "level": "INFO"},
            # Django's request logger says "Invalid HTTP_HOST header" for every scanner on the
            # internet: keep it in the log, never in an admin's inbox.
            "django.security.DisallowedHost": {"handlers": ["log"], "propagate": False},
            # runserver's access log, kept as Django has it: on the console only. (dictConfig resets
            # unlisted children of "django" to propagate, which would email each 500 twice.)
            "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
            "microblog": {"handlers": ["log", "mail_admins"], "level": "INFO"},
            # Trouble with the error emails themselves must not be emailed.
            "microblog.log": {"handlers": ["log"], "level": "INFO", "propagate": False},
        },
    }


class RequestIdFilter(logging.Filter):
    """Tag each record with the id of the request being served (see RequestIdMiddleware), if any."""

    def filter(self, record):
        record.request_id = get_request_id()
        record.request_tag = f"[req {record.request_id}] " if record.request_id else ""
        return True


# Line breaks and other control characters, including Unicode's own line separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text):
    return CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class EscapingFormatter(logging.Formatter):
    """The chapter's format, with control characters in the message escaped.

    Messages carry user-controlled text (paths, usernames, headers): a CR or LF in them must not
    start a line of its own that could pass for a log entry.
    """

    def formatMessage(self, record):
        record = copy(record)
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


class BackgroundSender:
    """Runs jobs, one at a time, on a thread of this process, so that no request waits for them.

    The thread starts on first use (so, after a server forks its workers) and what is still queued
    when the process exits is finished first.
    """

    def __init__(self, exit_timeout=20):
        self.exit_timeout = exit_timeout
        self._jobs = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()
        atexit.register(self.drain)

    def submit(self, job, *args, **kwargs):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="error-email", daemon=True)
                self._thread.start()
        self._jobs.put((job, args, kwargs))

    def drain(self):
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put((None, (), {}))
            self._thread.join(self.exit_timeout)

    def _run(self):
        while True:
            job, args, kwargs = self._jobs.get()
            if job is None:
                return
            try:
                job(*args, **kwargs)
            except Exception as error:
                logger.error("Could not send the error email to ADMINS: %r", error)


def error_signature(record):
    """What makes two errors "the same": the exception type and the line that raised it."""
    if record.exc_info and record.exc_info[2] is not None:
        exc_type, _, tb = record.exc_info
        origin = traceback.extract_tb(tb)[-1]
        what, where = f"{exc_type.__module__}.{exc_type.__qualname__}", origin[:2]
    else:
        what, where = record.name, (record.pathname, record.lineno)
    return hashlib.sha256(f"{what}@{where}".encode()).hexdigest()[:32]


class ErrorThrottle:
    """Let one email per distinct error through per window, and count the ones held back.

    State lives in Django's default cache, shared by all worker processes (the database, or Redis
    where configured). If the cache fails, the email goes out: better a repeat than a lost error.
    """

    def __init__(self, window):
        self.window = window

    def admit(self, record):
        """Return None to hold the email back, else how many repeats were held back before it."""
        key = f"error-email:{error_signature(record)}"
        try:
            if cache.add(key, True, timeout=self.window):
                held_back = cache.get(f"{key}:held", 0)
                cache.delete(f"{key}:held")
                return held_back
            if not cache.add(f"{key}:held", 1, timeout=None):
                cache.incr(f"{key}:held")
                cache.touch(f"{key}:held", timeout=None)  # some backends' incr resets it
            return None
        except Exception as error:
            logger.warning("Error-email throttle unavailable, sending anyway: %r", error)
            return 0


class AdminEmailHandler(log.AdminEmailHandler):
    """Django's AdminEmailHandler, made fit for production.

    - The report is built in the failing request (its data is at hand, and cleansed by our
      SafeExceptionReporterFilter) but sent from a background thread: a slow or dead mail server
      never holds up the user's 500 page.
    - Repeats of one error within `window` seconds send one email; the next one says how many
      were held back. The log still gets every occurrence.
    - The subject and body carry the request id that the user sees on the 500 page.
    - Like every logging handler it never raises: Django 6.1 under MAILERS lets a mail-transport
      error escape emit() (ticket 37261), which would replace the 500 page with a crash.
    """

    sender = BackgroundSender()

    def __init__(self, window=600, **kwargs):
        super().__init__(**kwargs)
        self.throttle = ErrorThrottle(window)

    def emit(self, record):
        try:
            held_back = self.throttle.admit(record)
            if held_back is None:
                return
            super().emit(self._annotated(record, held_back))
        except Exception:
            self.handleError(record)

    def send_mail(self, subject, message, *args, **kwargs):
        self.sender.submit(super().send_mail, subject, message, *args, **kwargs)

    @staticmethod
    def _annotated(record, held_back):
        """A copy of the record whose message names the request and the repeats held back."""
        record = copy(record)
        message = record.getMessage()
        if getattr(record, "request_id", None):
            message += f" [req {record.request_id}]"
        if held_back:
            message += f" (+{held_back} more since the last email)"
        record.msg, record.args = message, None
        return record


# user:password@ inside any URL-looking value (DATABASE_URL, EMAIL_URL, DSNs).
URL_PASSWORD = re.compile(r"(?P<scheme_user>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I)


class SafeExceptionReporterFilter(debug.SafeExceptionReporterFilter):
    """Django's filter, tightened so that error emails carry no credential whatever the view.

    Stock Django still shows the CSRF cookie (META["CSRF_COOKIE"]), the csrfmiddlewaretoken and any
    password field of a view not decorated with sensitive_post_parameters, other cookies, and
    passwords inside URLs such as DATABASE_URL.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CSRF|SESSION", flags=re.I
    )

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return URL_PASSWORD.sub(rf"\g<scheme_user>{self.cleansed_substitute}@", cleansed)
        return cleansed

    def get_safe_cookies(self, request):
        """Hide every cookie value: any of them may be a credential."""
        return {name: self.cleansed_substitute for name in getattr(request, "COOKIES", {})}

    def get_post_parameters(self, request):
        """Hide POST fields whose names look secret, even where the view forgot to say so."""
        post = super().get_post_parameters(request)
        if request is None or not self.is_active(request):
            return post
        cleansed = post.copy()
        for name in post:
            if self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed
