"""The cache as an accelerator: with Redis gone, pages render uncached and errors still email.
And the counters kept in it (error emails, password-reset requests)."""

import logging
import time
from functools import wraps

import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Say that the cache is down at most once in this many seconds, however many requests meet it.
WARNING_INTERVAL = 60
_last_warning = 0.0


def warn_cache_down(error):
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL:
        _last_warning = now
        logger.warning("Cache unavailable, serving without it: %r", error)


def fail_soft(method, answer):
    """`method`, answering `answer` instead of raising when Redis can't be reached."""

    @wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except redis.RedisError as error:
            warn_cache_down(error)
            return answer(*args, **kwargs) if callable(answer) else answer

    return wrapper


class FailSoftRedisCache(RedisCache):
    """Django's Redis cache, whose failures are misses rather than errors.

    Every caller then goes on as it would without a cached value: a template fragment is
    rendered, and `add` reports success, so the error-email throttle sends rather than drops.
    Redis's client reconnects by itself, so caching resumes when Redis is back. Connect and
    socket timeouts (settings.py) keep a dead server from holding a request up.
    """

    get = fail_soft(RedisCache.get, lambda self, key, default=None, version=None: default)
    get_many = fail_soft(RedisCache.get_many, {})
    has_key = fail_soft(RedisCache.has_key, False)
    add = fail_soft(RedisCache.add, True)
    set = fail_soft(RedisCache.set, None)
    set_many = fail_soft(RedisCache.set_many, [])
    touch = fail_soft(RedisCache.touch, False)
    incr = fail_soft(RedisCache.incr, lambda self, key, delta=1, version=None: delta)
    delete = fail_soft(RedisCache.delete, False)
    delete_many = fail_soft(RedisCache.delete_many, None)
    clear = fail_soft(RedisCache.clear, False)


def count(key, timeout):
    """Add one to the counter at `key` in the cache, made with `timeout` if new; returns it.

    The timeout is set again after each increment: backends that implement incr() as a get and a
    set (the database cache) would otherwise give the counter the default timeout (300 s)."""
    cache.add(key, 0, timeout=timeout)
    total = cache.incr(key)
    cache.touch(key, timeout=timeout)
    return total
