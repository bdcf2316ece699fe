"""How much of a request's body the production server's bridge reads (microblog/bridge.py),
within Django's DATA_UPLOAD_MAX_MEMORY_SIZE. The server tests send real bodies to `make
production`."""

import asyncio

import pytest

from microblog import bridge


def read(*chunks, content_length=""):
    """What the bridge reads of a POST whose body arrives as ASGI messages of `chunks`."""
    messages = iter(
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    )

    async def receive():
        return next(messages)

    environ = {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": content_length}
    return asyncio.run(bridge.read_body(environ, receive))


def test_a_body_within_the_limit_is_read_whole():
    assert read(b"username=", b"susan") == b"username=susan"


@pytest.mark.parametrize("content_length", ["", str(bridge.MAX_BODY + 1)])
def test_a_body_over_the_limit_is_refused(content_length):
    with pytest.raises(bridge.BodyTooLarge):
        read(b"x" * bridge.MAX_BODY, b"x", content_length=content_length)


def test_without_a_limit_in_the_settings_every_body_is_read(monkeypatch):
    monkeypatch.setattr(bridge, "MAX_BODY", None)  # DATA_UPLOAD_MAX_MEMORY_SIZE = None

    assert read(b"x" * 10_000_000, content_length="10000000") == b"x" * 10_000_000
