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
    """The cause of a logged error: the view that failed, then for the exception and each one in
    its chain (what it was raised from, or while handling) its type and the frames of its
    traceback that are the project's own code.

    Each frame counts by module, function and source line (not line number, which any edit above
    it moves). Library frames count only where no frame of ours is in a traceback: every database
    error is raised by the same line of Django's backend, and it is our frames and the view that
    tell a missing column met by one page from a missing table met by another. The chain counts
    because code that re-raises one exception type for several faults (`raise Failed from error`)
    has several causes.
    """
    request = getattr(record, "request", None)
    match = getattr(request, "resolver_match", None)
    parts = [match.view_name if match else ""]
    if record.exc_info and record.exc_info[2] is not None:
        exc_type, error, tb = record.exc_info
        parts += [qualified_name(exc_type), *frames_of(tb)]
        for cause in causes(error):
            parts += [qualified_name(type(cause)), *frames_of(cause.__traceback__)]
    else:
        parts += [record.name, record.module, record.funcName]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def causes(error):
    """The exception `error` was raised from or while handling, then that one's, and so on, as a
    traceback shows them (each once: a chain can loop)."""
    seen = {id(error)}
    while True:
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if error is None or id(error) in seen:
            return
        seen.add(id(error))
        yield error


def frames_of(tb):
    """Each frame by its module's name, not its file's path: the same fault is one error on every
    host, from whichever directory or virtualenv the code runs."""
    frames = list(traceback.walk_tb(tb))
    frames = [(f, line) for f, line in frames if is_our_code(f.f_code.co_filename)] or frames
    return [
        f"{frame.f_globals.get('__name__', '')}:{frame.f_code.co_name}:"
        f"{linecache.getline(frame.f_code.co_filename, line).strip()}"
        for frame, line in frames
    ]
