"""What makes two errors the same error: one group in the Errors admin, one email per window."""

import hashlib
import linecache
import traceback

from django.conf import settings


def is_our_code(filename):
    """A file of this project's own, not of Python or of an installed package."""
    return filename.startswith(f"{settings.BASE_DIR}/") and "site-packages" not in filename


def qualified_name(exc_type):
    return f"{exc_type.__module__}.{exc_type.__qualname__}"


def fingerprint(record):
    """The cause of a logged error: the exception's type, the frames of the stack that are the
    project's own code, and the view that failed.

    Each frame counts by file, function and source line (not line number, which any edit above
    it moves). Library frames count only where no frame of ours is on the stack: every database
    error is raised by the same line of Django's backend, and it is our frames and the view that
    tell a missing column met by one page from a missing table met by another. Plumbing that
    only passes the call on says so with `__tracebackhide__` (as for pytest) and does not count.
    """
    request = getattr(record, "request", None)
    match = getattr(request, "resolver_match", None)
    parts = [match.view_name if match else ""]
    if record.exc_info and record.exc_info[2] is not None:
        exc_type, _, tb = record.exc_info
        frames = [
            (frame.f_code, line)
            for frame, line in traceback.walk_tb(tb)
            if not frame.f_locals.get("__tracebackhide__")
        ]
        frames = [(code, line) for code, line in frames if is_our_code(code.co_filename)] or frames
        parts.append(qualified_name(exc_type))
        parts += [
            f"{code.co_filename}:{code.co_name}:{linecache.getline(code.co_filename, line).strip()}"
            for code, line in frames
        ]
    else:
        parts += [record.name, record.pathname, record.funcName]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
