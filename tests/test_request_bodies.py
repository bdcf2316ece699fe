"""How much of a request's body the production server's bridge reads (microblog/rsgi.py), within
Django's DATA_UPLOAD_MAX_MEMORY_SIZE. The server tests send real bodies to `make production`."""

import asyncio
from types import SimpleNamespace

import pytest

from microblog import rsgi


class Client:
    """The RSGI protocol of a request whose body arrives in `chunks`, without a Content-Length
    (chunked)."""

    def __init__(self, *chunks):
        self.chunks = chunks

    async def __aiter__(self):
        for chunk in self.chunks:
            yield chunk


def read(*chunks, content_length=""):
    scope = SimpleNamespace(method="POST", headers={"content-length": content_length})
    return asyncio.run(rsgi.read_body(scope, Client(*chunks)))


def test_a_body_within_the_limit_is_read_whole():
    assert read(b"username=", b"susan") == b"username=susan"


@pytest.mark.parametrize("content_length", ["", str(rsgi.MAX_BODY + 1)])
def test_a_body_over_the_limit_is_refused(content_length):
    with pytest.raises(rsgi.BodyTooLarge):
        read(b"x" * rsgi.MAX_BODY, b"x", content_length=content_length)


def test_without_a_limit_in_the_settings_every_body_is_read(monkeypatch):
    monkeypatch.setattr(rsgi, "MAX_BODY", None)  # DATA_UPLOAD_MAX_MEMORY_SIZE = None

    assert read(b"x" * 10_000_000, content_length="10000000") == b"x" * 10_000_000
