"""Whether a request came over HTTPS: the word of a proxy the environment names, no one else."""

from ipaddress import ip_network

import pytest
from django.test import Client

from livesite import PRODUCTION_SECRET_KEY, manage
from microblog.proxy import client_address

pytestmark = pytest.mark.django_db

PROXIED = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def redirecting(settings):
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_served_directly_a_clients_forwarded_proto_is_ignored(redirecting, client):
    response = client.get("/login", headers=PROXIED)

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login"


def test_from_a_named_proxy_forwarded_proto_counts(redirecting):
    redirecting.TRUSTED_PROXIES = parsed("10.0.0.2", "127.0.0.0/8")

    assert Client(REMOTE_ADDR="127.0.0.1").get("/login", headers=PROXIED).status_code == 200
    assert Client(REMOTE_ADDR="10.0.0.2").get("/login", headers=PROXIED).status_code == 200


def test_with_a_proxy_named_others_cannot_pose_as_it(redirecting):
    redirecting.TRUSTED_PROXIES = parsed("10.0.0.2")

    response = Client(REMOTE_ADDR="203.0.113.9").get("/login", headers=PROXIED)

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login"


def test_a_proxy_list_that_is_not_addresses_stops_the_start(tmp_path):
    done = manage(
        "check",
        DEBUG="off",
        SECRET_KEY=PRODUCTION_SECRET_KEY,
        LOG_DIR=tmp_path,
        TRUSTED_PROXIES="10.0.0.2,proxy.example.com",
    )

    assert done.returncode != 0
    assert "TRUSTED_PROXIES must list IP addresses or networks" in done.stderr
    assert "proxy.example.com" in done.stderr


def parsed(*entries):
    return [ip_network(entry) for entry in entries]


@pytest.mark.parametrize(
    ("forwarded", "proto_status"),
    [("https, http", 301), ("http, https", 200)],
    ids=["a client's https before the proxy's http", "the proxy's own https last"],
)
def test_the_nearest_trusted_proxys_forwarded_proto_counts(redirecting, forwarded, proto_status):
    redirecting.TRUSTED_PROXIES = parsed("10.0.0.2")

    response = Client(REMOTE_ADDR="10.0.0.2").get(
        "/login", headers={"X-Forwarded-Proto": forwarded}
    )

    assert response.status_code == proto_status


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("7.7.7.7:1234", "7.7.7.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("203.0.113.9, 7.7.7.7", "7.7.7.7"),
        ("not-an-address", "10.0.0.2"),
    ],
)
def test_a_trusted_proxys_forwarded_address_is_read_as_proxies_write_it(
    settings, rf, forwarded, client
):
    settings.TRUSTED_PROXIES = parsed("10.0.0.2")
    request = rf.get("/login", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == client
