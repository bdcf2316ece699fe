"""With SENTRY_DSN set, errors also go to a Sentry-protocol server (kent, a real one, on this
machine), scrubbed as the emails are; without it, sentry-sdk is not even imported."""

import json
import re

import pytest

from livesite import STAFF_PASSWORD, SentryServer, SiteClient, manage, running_site

pytestmark = pytest.mark.slow


@pytest.fixture
def sentry_server(tmp_path):
    server = SentryServer(tmp_path)
    yield server
    server.stop()


def test_an_error_arrives_in_sentry_scrubbed_with_its_reference_beside_the_email(
    tmp_path, sentry_server, smtp_server
):
    secrets = {"password": "hunter2-password", "api_token": "token-value-123"}
    with running_site(
        tmp_path,
        SENTRY_DSN=sentry_server.dsn,
        EMAIL_URL=smtp_server.url,
        ENVIRONMENT="staging",
        RELEASE="r123",
    ) as site:
        browser = SiteClient(site.url)
        browser.log_in("admin", STAFF_PASSWORD)
        status, page = browser.post(
            "/errors/test?q=visible-query&token=url-token-value",
            secrets | {"about_me": "visible-field"},
            headers={
                "Authorization": "Bearer authorization-value",
                "X-Api-Key": "header-key-value",
                "Referer": f"{site.url}/login?next=/x&token=referer-token-value",
            },
        )
        reference = re.search(r"Error reference: <code>(\w+)</code>", page).group(1)
        [event] = sentry_server.events(1)
        assert smtp_server.wait_for(1), "the email goes out beside the event"

    assert status == 500
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == reference
    assert (event["environment"], event["release"]) == ("staging", "r123")
    sent = json.dumps(event)
    leaked_by = {
        "session cookie": browser.cookie("sessionid"),
        "CSRF token": browser.cookie("csrftoken"),
        "Authorization header": "authorization-value",
        "a secret-named header": "header-key-value",
        "a token in the URL": "url-token-value",
        "a token in the Referer": "referer-token-value",
        **secrets,
    }
    for what, value in leaked_by.items():
        assert value not in sent, f"{what} was sent to Sentry"
    assert "visible-query" in sent and "visible-field" in sent


def test_without_a_dsn_sentry_sdk_is_never_imported():
    serving = (
        "import sys; from django.test import Client; Client().get('/login'); "
        "print('sentry_sdk' in sys.modules)"
    )

    done = manage("shell", "--no-imports", "-c", serving, SENTRY_DSN="")

    assert done.stdout.strip() == "False", done.stderr
