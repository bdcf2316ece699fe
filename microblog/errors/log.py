"""The log file's parts: the handler that writes it, the request id on every line, escaping."""

import logging
import re
from copy import copy
from pathlib import Path

from concurrent_log_handler import ConcurrentRotatingFileHandler

from microblog.errors.reporter import hide_secret_parameters
from microblog.errors.request_id import get_request_id


class LogFileHandler(ConcurrentRotatingFileHandler):
    """The size-rotated log file, readable by its owner and group only (0640).

    Several worker processes write to the same file: concurrent-log-handler locks around writes
    and rotation, so no line is lost or split when the file rotates. A missing folder is made
    here, when logging is configured (so that reading the settings changes nothing on disk), and
    closed to other users; an existing one keeps its mode: it may be shared, like /var/log.
    """

    def __init__(self, filename, **kwargs):
        folder = Path(filename).parent
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            pass
        else:
            folder.chmod(0o750)  # mkdir's mode is narrowed by the umask, never widened
        super().__init__(filename, chmod=0o640, **kwargs)


class RequestIdFilter(logging.Filter):
    """Tag each record with the id of the request being served (RequestIdMiddleware), if any."""

    def filter(self, record):
        record.request_id = get_request_id()
        record.request_tag = f"[req {record.request_id}] " if record.request_id else ""
        return True


# Line breaks and other control characters, including Unicode's own line separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


# What starts each line of a record after its first (a traceback's): an entry never does.
CONTINUATION = "    "


def escape_controls(text):
    return CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class EscapingFormatter(logging.Formatter):
    """The chapter's format, where only a record's own first line starts at the margin.

    Messages, exception messages and tracebacks carry user-controlled text (paths, usernames,
    headers, whatever a view put into an exception): a CR or LF in them must not start a line of
    its own that could pass for a log entry. The message is escaped onto the entry's line; the
    traceback keeps its line breaks, each of its lines indented, any other control escaped.
    Secret-named query parameters are hidden there too, as in the error emails.
    """

    def formatMessage(self, record):
        record = copy(record)
        record.message = escape_controls(hide_secret_parameters(record.message))
        return super().formatMessage(record)

    def format(self, record):
        formatted = super().format(record)
        if "\n" not in formatted:  # most lines: no traceback
            return formatted
        entry, *more = formatted.split("\n")
        more = [CONTINUATION + escape_controls(hide_secret_parameters(line)) for line in more]
        return "\n".join([entry, *more])
