from django.db import transaction

# GET, HEAD, OPTIONS, TRACE: requests that change nothing (HTTP's "safe" methods).
SAFE_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "TRACE"])


class AtomicWritesMiddleware:
    """The site's one transaction policy: a request that may change data runs in one transaction.

    The view of a POST (or PUT, PATCH, DELETE) runs inside transaction.atomic(): if it fails, all
    of its writes are rolled back, as the chapter's 500 handler does, and only then is the error
    reported. Views of safe requests change nothing (the "last seen" stamp and the cache are one
    statement each, outside any view) and run without a transaction: on SQLite every transaction
    takes the write lock at BEGIN (IMMEDIATE, see settings), and page views must not queue for it.

    It runs the view itself, so it comes last in MIDDLEWARE (after CSRF's check). Views return
    TemplateResponse, which renders after the transaction has ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        __tracebackhide__ = True  # it only passes the call on: no part of an error's cause
        if request.method in SAFE_METHODS:
            return None
        with transaction.atomic():
            return view(request, *args, **kwargs)
