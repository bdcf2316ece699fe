"""The error-email throttle, on its own: one email per error per window, repeats counted."""

import time

from microblog.errors.email import ErrorThrottle


def test_first_error_is_sent_repeats_are_held_back():
    throttle = ErrorThrottle(window=60)

    assert throttle.admit("a") == 0
    assert throttle.admit("a") is None
    assert throttle.admit("a") is None


def test_each_error_has_its_own_window():
    throttle = ErrorThrottle(window=60)

    assert throttle.admit("a") == 0
    assert throttle.admit("b") == 0


def test_after_the_window_the_next_email_counts_the_repeats_held_back():
    throttle = ErrorThrottle(window=1)
    throttle.admit("a")
    throttle.admit("a")
    throttle.admit("a")

    time.sleep(1.1)

    assert throttle.admit("a") == 2
    assert throttle.admit("a") is None


def test_with_the_cache_down_every_error_is_sent(settings):
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    throttle = ErrorThrottle(window=60)

    assert [throttle.admit("a") for _ in range(3)] == [0, 0, 0]
