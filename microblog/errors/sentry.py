"""Errors to Sentry (or a Sentry-compatible server), when SENTRY_DSN is set: beside the emails
and the Errors admin, never instead of them, and scrubbed as they are.

Settings import this module only when there is a DSN, so that a site without one never loads
sentry-sdk.
"""

import sentry_sdk
from django.views.debug import SafeExceptionReporterFilter
from sentry_sdk.integrations.django import DjangoIntegration

from microblog.errors.reporter import (
    hide_secrets,
    is_secret_name,
    is_shown_header,
)
from microblog.errors.request_id import get_request_id

HIDDEN = SafeExceptionReporterFilter.cleansed_substitute


def start_sentry(dsn, environment, release):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration()],
        data_collection={
            # No user, address or cookie leaves the site.
            "user_info": False,
            "cookies": {"mode": "off"},
            # A query's parameters hold session keys (the cache's and the sessions' rows).
            "database_query_data": False,
            # Django's filter knows which frames hold secrets (sensitive_variables); Sentry's
            # scrubber doesn't, so local variables stay in the Errors admin.
            "stack_frame_variables": False,
        },
        # Errors only: no performance tracing to pay for on every page.
        traces_sample_rate=0,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def scrub_event(event, hint):
    """The event, scrubbed as an error email is, and tagged with the error's reference."""
    request = event.get("request")
    if request:
        request.pop("cookies", None)
        request["headers"] = {
            name: scrub(value) if shows_header(name) else HIDDEN
            for name, value in request.get("headers", {}).items()
        }
        for key in ("url", "query_string", "data"):
            if key in request:
                request[key] = scrub(request[key])
    for exception in event.get("exception", {}).get("values", []):
        if "value" in exception:
            exception["value"] = scrub(exception["value"])
    if "logentry" in event:
        event["logentry"] = scrub(event["logentry"])
    if "breadcrumbs" in event:
        event["breadcrumbs"] = scrub(event["breadcrumbs"])
    request_id = get_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrub_breadcrumb(breadcrumb, hint):
    return scrub(breadcrumb)


def shows_header(name):
    """Whether an event shows this header's value: the email's allowlist. The email shows
    X-Forwarded-* when a trusted proxy sent it; an event doesn't say who sent it: hidden."""
    key = name.upper().replace("-", "_")
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):  # not headers in WSGI's terms: always shown
        return True
    return is_shown_header("HTTP_" + key, from_trusted_proxy=False)


def scrub(value):
    """`value` with secret-named entries hidden at any depth, and secret `name=value` pairs and
    URL passwords hidden in every string."""
    if isinstance(value, str):
        return hide_secrets(value, HIDDEN)
    if isinstance(value, dict):
        return {
            key: HIDDEN if isinstance(key, str) and is_secret_name(key) else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value
