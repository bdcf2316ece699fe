"""The log file's parts: the handler that writes it, the request id on every line, escaping."""

import logging
import re
from copy import copy
from pathlib import Path

from concurrent_log_handler import ConcurrentRotatingFileHandler

from microblog.errors.request_id import get_request_id


class LogFileHandler(ConcurrentRotatingFileHandler):
    """The size-rotated log file, in a folder closed to other users; the file itself is 0640.

    Several worker processes write to the same file: concurrent-log-handler locks around writes
    and rotation, so no line is lost or split when the file rotates. The folder is made here,
    when logging is configured, so that reading the settings changes nothing on disk.
    """

    def __init__(self, filename, **kwargs):
        folder = Path(filename).parent
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o750)  # also when it came with the checkout (git makes it 0755)
        super().__init__(filename, chmod=0o640, **kwargs)


class RequestIdFilter(logging.Filter):
    """Tag each record with the id of the request being served (RequestIdMiddleware), if any."""

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
