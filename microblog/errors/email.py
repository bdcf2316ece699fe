"""The error emails: built in the failing request, recorded and sent in the background, throttled.

Where error emails are configured: LOGGING in settings.py routes errors to ErrorEmailHandler
below; ADMINS, EMAIL_URL and ERROR_EMAIL_WINDOW come from the environment.
"""

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, close_old_connections
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import log, timezone

from microblog.cache import count
from microblog.errors.fingerprint import fingerprint, qualified_name
from microblog.errors.log import escape_controls
from microblog.errors.reporter import hide_secret_parameters, user_of

# Trouble with reporting itself goes to the log file only (see LOGGING), never to an email.
logger = logging.getLogger(__name__)


class BackgroundSender:
    """Runs jobs, one at a time, on a thread of this process, so that no request waits for them.

    The thread starts on first use (so, after a server forks its workers). It is not a daemon:
    when the process ends, Python waits for it, also in a server's worker processes, where atexit
    handlers don't run (Python 3.12). It finishes what is queued, then ends once the main thread
    has; after `exit_timeout` seconds it gives up on what is left.
    """

    def __init__(self, exit_timeout=20):
        self.exit_timeout = exit_timeout
        self._jobs = queue.SimpleQueue()
        self._thread = None
        self._lock = threading.Lock()

    def submit(self, job, *args, **kwargs):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                # daemon=False said outright: a thread started by a server's own (daemon) thread
                # would otherwise be a daemon too.
                self._thread = threading.Thread(target=self._run, name="error-email", daemon=False)
                self._thread.start()
        self._jobs.put((job, args, kwargs))

    def _run(self):
        give_up_at = None
        while True:
            try:
                job = self._jobs.get(timeout=0.2)
            except queue.Empty:
                job = None
            if not threading.main_thread().is_alive():  # the process is ending
                give_up_at = give_up_at or time.monotonic() + self.exit_timeout
                if job is None or time.monotonic() > give_up_at:
                    return
            if job is not None:
                self._do(*job)

    def _do(self, job, args, kwargs):
        try:
            # As between requests: drop this thread's database connection if it died since the
            # last job (the database restarted), so that the job gets a fresh one.
            close_old_connections()
            job(*args, **kwargs)
        except Exception as error:
            logger.error("Could not send the error email to ADMINS: %r", error)


class ErrorThrottle:
    """Let one email per distinct error through per window, and count the ones held back.

    State lives in Django's default cache, shared by all worker processes (the database, or Redis
    where configured). If the cache fails, the email goes out: better a repeat than a lost error.
    """

    def __init__(self, window):
        self.window = window

    def admit(self, fingerprint):
        """Return None to hold the email back, else how many repeats were held back before it."""
        key = f"error-email:{fingerprint}"
        try:
            if cache.add(key, True, timeout=self.window):
                held_back = cache.get(f"{key}:held", 0)
                cache.delete(f"{key}:held")
                return held_back
            count(f"{key}:held", timeout=None)
            return None
        except Exception as error:
            logger.warning("Error-email throttle unavailable, sending anyway: %r", error)
            return 0


class EmailBudget:
    """At most `emails` error emails per window across all errors, site-wide.

    The throttle above holds back repeats of one error, but a visitor can make as many distinct
    errors as the site has views. What goes over the budget is counted, and one summary email
    says how many errors of how many groups it held back once the window is over. Windows are
    fixed spans of time, the same for every worker and host; the counts live in the cache, and
    with the cache down every email goes out, as with the throttle.
    """

    def __init__(self, window, emails):
        self.window = window
        self.emails = emails

    def current_window(self):
        return int(time.time() // self.window)

    def seconds_left(self, window):
        return (window + 1) * self.window - time.time()

    def spend(self, fingerprint):
        """True if an email may go out; else count the error and return False. The first error
        over the budget in a window also returns the window, for its summary: (False, window)."""
        window = self.current_window()
        key = f"error-email-budget:{window}"
        timeout = self.window * 2
        try:
            if count(key, timeout) <= self.emails:
                return True, None
            count(f"{key}:held", timeout)
            if cache.add(f"{key}:group:{fingerprint}", True, timeout=timeout):
                count(f"{key}:groups", timeout)
            first = cache.add(f"{key}:summary", True, timeout=timeout)
            return False, window if first else None
        except Exception as error:
            logger.warning("Error-email budget unavailable, sending anyway: %r", error)
            return True, None

    def held_back(self, window):
        """How many errors, of how many groups, the budget held back in `window`."""
        key = f"error-email-budget:{window}"
        return cache.get(f"{key}:held", 0), cache.get(f"{key}:groups", 0)


@dataclass(frozen=True)
class ErrorReport:
    """What the email and the Errors admin say of one error, taken while its request is at hand."""

    fingerprint: str
    subject: str
    text: str
    details: dict
    exception: str
    message: str
    view: str
    path: str
    request_id: str
    user: str
    time: datetime
    site_url: str  # "" when there is no address to link to (site_url_of)


class ErrorEmailHandler(log.AdminEmailHandler):
    """Django's AdminEmailHandler, made fit for production.

    - The report (Django's subject and text, cleansed by our SafeExceptionReporterFilter) is
      built in the failing request, where its data is at hand; it is recorded in the Errors admin
      and emailed from a background thread, so neither the database nor a slow or dead mail
      server holds up the user's 500 page, and the record is outside the request's transaction.
    - Errors are grouped by cause (fingerprint.py): repeats within `window` seconds send one
      email, and the next one says how many were held back; a group that staff marked resolved
      emails again at once when it comes back. The log still gets every occurrence.
    - The subject carries the request id that the user sees on the 500 page, the body a link to
      the error in the admin.
    - Like every logging handler it never raises: Django 6.1 under MAILERS lets a mail-transport
      error escape emit() (ticket 37261), which would replace the 500 page with a crash.
    """

    sender = BackgroundSender()

    def __init__(self, window=600, budget=5, **kwargs):
        super().__init__(**kwargs)
        self.throttle = ErrorThrottle(window)
        self.budget = EmailBudget(window, budget)

    def emit(self, record):
        try:
            self.sender.submit(self.deliver, self.report(record))
        except Exception:
            self.handleError(record)

    def report(self, record):
        """What the email and the Errors admin say of `record`, taken in the failing request.

        The subject names the exception and the page; the text leads with what broke, then the
        traceback, then the request, and leaves out the settings (the same for every error).
        What came with the request (its path, an exception's message, a header) is written with
        its line breaks escaped, as in the log file: nothing a visitor sends starts a line.
        """
        request = getattr(record, "request", None)
        request_id = getattr(record, "request_id", None) or ""
        exc_info = record.exc_info or (None, record.getMessage(), None)
        if exc_info[0] and request:
            subject = f"{exc_info[0].__name__} at {escape_controls(request.path)}"
        else:
            subject = f"{record.levelname}: {escape_controls(record.getMessage())}"
        if request_id:
            subject += f" [req {request_id}]"
        exception = qualified_name(exc_info[0]) if exc_info[0] else record.levelname
        message = hide_secret_parameters(str(exc_info[1]))[:1000]
        details = self.report_details(request, exc_info)
        match = getattr(request, "resolver_match", None)
        return ErrorReport(
            fingerprint=fingerprint(record),
            subject=self.format_subject(subject),
            text=report_text(exception, message, request_id, details),
            details=details,
            exception=exception,
            message=message,
            view=match.view_name if match else "",
            path=request.path if request else "",
            request_id=request_id,
            user=user_of(request),
            time=timezone.now(),
            site_url=site_url_of(request),
        )

    def report_details(self, request, exc_info):
        """The traceback and the request, scrubbed (reporter.py); of the traceback alone where the
        request can't be read (a charset Django can't decode, too many fields): the error is
        reported all the same."""
        try:
            return self.reporter_class(request, *exc_info, is_email=True).get_error_details()
        except Exception as error:
            details = self.reporter_class(None, *exc_info, is_email=True).get_error_details()
            details["unread"] = f"The request could not be read for this report: {error!r}"
            return details

    def deliver(self, report):
        """Record the error, then email it unless the throttle holds a repeat back or the site's
        budget of emails for this window is spent."""
        group, reopened = save_to_errors_admin(report)
        held_back = 0 if reopened else self.throttle.admit(report.fingerprint)
        if held_back is None:
            return
        allowed, summary_window = self.budget.spend(report.fingerprint)
        if summary_window is not None:
            # The summary goes when the window is over: a timer of this process hands it to the
            # sender. (A daemon: a process that ends first takes it along.)
            delay = self.budget.seconds_left(summary_window)
            args = (self.send_summary, summary_window, report.site_url)
            timer = threading.Timer(delay, self.sender.submit, args=args)
            timer.daemon = True
            timer.start()
        if not allowed:
            return
        subject = report.subject
        if held_back:
            subject += f" (+{held_back} more since the last email)"
        text = report.text
        if group and report.site_url:
            # On a line of its own, and short: in the email's 7-bit text no quoted-printable
            # soft break cuts the link in two.
            text = f"This error in the admin:\n{report.site_url}{group.get_admin_url()}\n\n{text}"
        self.send_mail(subject, text)  # a failure is logged by the sender

    def send_summary(self, window, site_url):
        """The one email for what the budget held back in `window`."""
        held, groups = self.budget.held_back(window)
        summary = f"{held} more errors in {groups} groups: see the admin"
        link = site_url + reverse("admin:errors_errorgroup_changelist")
        text = f"{summary}.\n\nThe errors in the admin: {link}\n" if site_url else f"{summary}.\n"
        self.send_mail(self.format_subject(f"ERROR: {summary}"), text)


# The longest line that keeps the email's text 7- or 8-bit: a longer one makes Python's email
# package send the whole text quoted-printable (policy.max_line_length), with soft breaks.
EMAIL_LINE = 78
# The lines of code shown around the failing line of each of the project's frames.
EMAIL_CONTEXT_LINES = 2


def report_text(exception, message, request_id, details):
    """The email's text (also kept with each occurrence): what broke, the traceback with the
    project's frames' code, the request with the allowlisted headers."""
    request = details["request"]
    lines = [f"{exception}: {message}"]
    if request:
        lines.append(f"{request['method']} {request['path']}, user {request['user'] or '-'}")
    if request_id:
        lines.append(f"Error reference: {request_id}")
    if "unread" in details:
        lines += ["", details["unread"]]
    lines += ["", "Traceback (most recent call last):"]
    for frame in details["frames"]:
        lines.append(f'  File "{frame["file"]}", line {frame["line"]}, in {frame["function"]}')
        for number, code in enumerate(frame["code"], frame["first_line"]):
            if number == frame["line"]:
                lines.append(f"  >{number:5} {code}" if frame["project"] else f"    {code.strip()}")
            elif frame["project"] and abs(number - frame["line"]) <= EMAIL_CONTEXT_LINES:
                lines.append(f"   {number:5} {code}")
    lines.append(f"{exception}: {message}")
    if request:
        lines += ["", "Request:", f"  {request['method']} {request['path']}"]
        lines.append(f"  User: {request['user'] or '-'}")
        lines += [f"  {name}: {value}" for name, value in request["headers"]]
        for method in ("GET", "POST"):
            lines += [f"  {method} {name} = {value}" for name, value in request[method]]
    return "\n".join(piece for line in lines for piece in within_email_line(escape_controls(line)))


def within_email_line(line, indent="      "):
    """`line`, cut into pieces of at most EMAIL_LINE characters, the later ones indented: after a
    space or an "&" where there is one in the second half of a piece, else at the limit."""
    pieces, width = [], EMAIL_LINE
    while len(line) > width:
        cut = max(line.rfind(" ", width // 2, width), line.rfind("&", width // 2, width))
        cut = cut + 1 if cut > 0 else width
        pieces.append(line[:cut])
        line = line[cut:]
        width = EMAIL_LINE - len(indent)
    pieces.append(line)
    return [pieces[0], *(indent + piece for piece in pieces[1:])]


def save_to_errors_admin(report):
    """Count `report` in the Errors admin; with the database unreachable, skip it and say so."""
    # Imported here: logging, and so this module, is set up before the apps are ready.
    from microblog.errors.models import ErrorGroup

    try:
        return ErrorGroup.objects.add_occurrence(report)
    except DatabaseError as error:
        logger.warning("Could not record the error in the Errors admin: %r", error)
        return None, False


def site_url_of(request):
    """Where the email's link to the admin points: SITE_URL when set, else the host this request
    named, if ALLOWED_HOSTS names it literally, on the scheme's own port; else nowhere.

    Never through a wildcard entry (".example.com", "*"), and never on the request's port: the
    client names the Host, and a link that admins click must not lead where it chose.
    """
    if settings.SITE_URL:
        return settings.SITE_URL
    try:
        host = request.get_host()
    except (AttributeError, DisallowedHost):
        return ""
    domain, _ = split_domain_port(host)
    named = {entry.lower() for entry in settings.ALLOWED_HOSTS if not entry.startswith((".", "*"))}
    return f"{request.scheme}://{domain}" if domain in named else ""
