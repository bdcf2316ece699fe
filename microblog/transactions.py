import contextlib

from django.db import DEFAULT_DB_ALIAS, transaction

# GET, HEAD, OPTIONS, TRACE: requests that change nothing (HTTP's "safe" methods).
SAFE_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "TRACE"])


class AtomicWritesMiddleware:
    """The site's one transaction policy: a request that may change data runs in one transaction.

    The view of a POST (or PUT, PATCH, DELETE) runs inside transaction.atomic(): if it fails, all
    of its writes are rolled back, as the chapter's 500 handler does, and only then is the error
    reported. Views of safe requests change nothing (the "last seen" stamp and the cache are one
    statement each, outside any view) and run without a transaction: on SQLite every transaction
    takes the write lock at BEGIN (IMMEDIATE, see settings), and page views must not queue for it.
    Django's ATOMIC_REQUESTS would put every view, GETs too, in a transaction.

    Django calls the view: the transaction starts in process_view, once Django has chosen the
    view (one marked @transaction.non_atomic_requests gets none), and ends as the response comes
    back here, committed; or in process_exception, rolled back, which Django calls for a failing
    view or template before it turns the error into the 500 page and reports it. Last in
    MIDDLEWARE, after CSRF's check, so that its process_exception is the first to run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Holds the transaction that process_view opens, if any: ends it when the response is back.
        request.write_transaction = contextlib.ExitStack()
        with request.write_transaction:
            return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        non_atomic = DEFAULT_DB_ALIAS in getattr(view, "_non_atomic_requests", set())
        if request.method not in SAFE_METHODS and not non_atomic:
            request.write_transaction.enter_context(transaction.atomic())

    def process_exception(self, request, exception):
        # The transaction ends with the view's exception, as a `with atomic()` block around the
        # view would: rolled back. (Nothing happens for a view that got no transaction.)
        request.write_transaction.__exit__(type(exception), exception, exception.__traceback__)
