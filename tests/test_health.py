"""GET /health/ tells a load balancer whether this host can serve: the database decides, the
cache is reported."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_healthy_site_answers_200_to_anyone_and_is_never_cached(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_with_the_cache_down_the_site_is_still_healthy_and_says_so(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "microblog.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }

    response = client.get("/health/")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "down"}


def test_behind_an_https_redirect_a_balancer_still_probes_over_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/login").status_code == 301
