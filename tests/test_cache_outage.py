"""The cache is an accelerator: with Redis gone, pages render uncached, errors are still emailed,
and the log says so once; when Redis is back, caching resumes without a restart."""

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client

from livesite import SiteClient, running_site
from microblog import cache as fail_soft_cache
from microblog.posts.demo import DEMO_PASSWORD
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(own_redis, settings, monkeypatch):
    """The site's cache on the test's own Redis, configured as settings.py does it."""
    monkeypatch.setattr(fail_soft_cache, "_last_warning", 0.0)
    settings.CACHES = settings.CACHES | {
        "default": {
            "BACKEND": "microblog.cache.FailSoftRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    return own_redis


def cached_keys(server):
    return redis.Redis.from_url(server.url).keys("*")


def cache_warnings():
    log = (django_settings.LOG_DIR / "microblog.log").read_text()
    return log.count("Cache unavailable, serving without it")


def test_with_redis_gone_pages_are_served_and_the_log_says_so_once(redis_cache, logged_in):
    assert logged_in.get("/user/susan").status_code == 200
    redis_cache.stop()

    statuses = [logged_in.get(path).status_code for path in ["/", "/user/susan", "/edit_profile"]]
    edit = logged_in.post("/edit_profile", {"username": "susan", "about_me": "still here"})
    logged_in.post("/logout")
    login_page = logged_in.get("/login")

    assert statuses == [200, 200, 200]
    assert edit.status_code == 302 and edit.url == "/edit_profile"
    assert login_page.status_code == 200 and "Remember me" in login_page.text
    assert cache_warnings() == 1


def test_when_redis_is_back_caching_resumes(redis_cache, logged_in):
    logged_in.get("/index")
    assert cached_keys(redis_cache)  # the session
    redis_cache.stop()
    logged_in.get("/index")

    redis_cache.start()
    redis.Redis.from_url(redis_cache.url).flushdb()
    assert logged_in.get("/index").status_code == 200

    assert cached_keys(redis_cache)


def test_with_redis_gone_every_error_is_still_emailed(redis_cache, staff_client, sent_emails):
    redis_cache.stop()

    statuses = [staff_client.get("/errors/test").status_code for _ in range(2)]

    assert statuses == [500, 500]
    assert len(sent_emails()) == 2


def test_with_redis_gone_logins_work_and_lockouts_still_hold(redis_cache, user):
    redis_cache.stop()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        Client().post("/login", {"username": "anthony", "password": "wrong"})
    susan = Client()

    susan.post("/login", {"username": "susan", "password": PASSWORD})
    refused = Client().post("/login", {"username": "anthony", "password": PASSWORD})

    assert "Hi, susan!" in susan.get("/index").text
    assert refused.status_code == 429


@pytest.mark.slow
def test_the_production_server_rides_out_a_redis_outage(tmp_path, own_redis):
    with running_site(tmp_path, workers=2, REDIS_URL=own_redis.url) as site:
        browser = SiteClient(site.url)
        browser.log_in("susan", DEMO_PASSWORD)
        own_redis.stop()

        down = [browser.get(path)[0] for path in ["/", "/user/susan", "/edit_profile"]]
        down.append(SiteClient(site.url).get("/login")[0])
        saved = browser.post("/edit_profile", {"username": "susan", "about_me": "no cache"})

        own_redis.start()
        back = browser.get("/index")[0]  # its session, read from the database, is cached

    assert down == [200, 200, 200, 200]
    assert "Your changes have been saved." in saved[1]
    assert back == 200 and cached_keys(own_redis)
    assert 1 <= site.log().count("Cache unavailable, serving without it") <= 2  # once per worker
