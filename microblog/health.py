"""GET /health/ for load balancers and orchestrators: may this host take requests?

Not django-health-check: its 4.x view answers 500 for any failed check and has no check that is
reported without failing the answer, where a balancer needs 503 for a database that doesn't
answer, and the site serves without its cache (microblog/cache.py) so a Redis outage must not take
hosts out of rotation.
"""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def health(request):
    """200 when the database answers, 503 when it doesn't; the cache's state is said, but a cache
    that is down still answers 200. Shows no version, setting or error text."""
    database = database_answers()
    status = {
        "database": "ok" if database else "down",
        "cache": "ok" if cache_answers() else "down",
    }
    return JsonResponse(status, status=200 if database else 503)


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_answers():
    """Whether a value written to the cache reads back: the site's Redis cache turns its errors
    into misses, so a cache that is down reads nothing back."""
    key, value = "health-probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        return cache.get(key) == value
    except Exception:  # the database cache, with the database down
        return False
