"""The production server's entry point: granian's ASGI interface in front of microblog.wsgi.

Why not granian's WSGI interface: it hands a request to a Python thread as soon as its headers
are in, and the thread then waits for the body for as long as the client takes to send it, with no
time limit. A few clients that send a form one byte a second held every thread and stopped the
site (measured: 8 of them, 10 of 10 visits unanswered). Here the body is read on the worker's event
loop, which waits on any number of them at once, within BODY_TIMEOUT; only a request that has
arrived in full is handed to one of the VIEW_THREADS threads that run Django.

Why ASGI and not granian's RSGI interface: RSGI hands over header values as text and leaves out
any value that isn't visible ASCII, so a cookie a sibling site set with a UTF-8 byte in it took
the whole Cookie header, and the session, with it; and it decodes the path, replacing bytes that
aren't UTF-8. ASGI hands over the bytes as they came, which this bridge passes on as a WSGI
server does (PEP 3333: latin-1, one character per byte). tests/test_request_translation.py sends
the same requests here and to gunicorn and compares what Django sees.
"""

import asyncio
import io
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_to_bytes

from django.conf import settings

from microblog.errors.pages import REFUSED
from microblog.wsgi import application as wsgi_application

# Threads per worker that run Django. Views hold the GIL but for their database and mail waits;
# two let one view run while another waits. Measured: 4 raised p99 by a quarter, and each thread
# holds a database connection of its own.
VIEW_THREADS = 2
# A client gets this long, after its headers, to send its request's body.
BODY_TIMEOUT = 10
# Django refuses a form larger than this (400); larger bodies are refused before they are read.
# None: no limit, as for Django.
MAX_BODY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
# Django reads no body of these: whatever a client sends with one is not waited for.
NO_BODY = frozenset(["GET", "HEAD", "OPTIONS"])
# granian's http_version for HTTP/1.0 is "1" (ASGI's is "1.0"); the server speaks HTTP/1 only.
PROTOCOLS = {"1": "HTTP/1.0", "1.0": "HTTP/1.0", "1.1": "HTTP/1.1"}


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class Application:
    """Read each request in full, then run the WSGI application on it in a view thread.

    Served with granian's ASGINL interface: HTTP requests only (no lifespan, no websockets)."""

    def __init__(self, wsgi, threads):
        self.wsgi = wsgi
        self.views = ThreadPoolExecutor(threads, thread_name_prefix="view")

    async def __call__(self, scope, receive, send):
        environ = wsgi_environ(scope)
        try:
            body = await read_body(environ, receive)
        except (TimeoutError, BodyTooLarge) as refusal:
            # Django answers with the site's page for it (microblog/errors/pages.py).
            environ[REFUSED] = 408 if isinstance(refusal, TimeoutError) else 413
            body = b""
        except ClientGone:  # nobody to answer
            return
        environ["wsgi.input"] = io.BytesIO(body)
        if body or "CONTENT_LENGTH" in environ:
            # Django reads as many bytes as this says: a chunked body has no Content-Length,
            # and the body of a NO_BODY method or a refused request was not read.
            environ["CONTENT_LENGTH"] = str(len(body))
        loop = asyncio.get_running_loop()
        status, headers, content = await loop.run_in_executor(self.views, self.respond, environ)
        if REFUSED in environ:  # the rest of its body is still on the way
            headers.append(("connection", "close"))
        await send_response(send, status, headers, content)

    def respond(self, environ):
        """Run in a view thread: the response in full, and Django's request_finished sent in the
        thread that served the request (it closes that thread's database connection when due)."""
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [int(status[:3]), headers]

        response = self.wsgi(environ, start_response)
        try:
            content = b"".join(response)  # also a static file: ours are a few KB
        finally:
            response.close()
        return *started, content


async def read_body(environ, receive):
    if environ["REQUEST_METHOD"] in NO_BODY:
        return b""
    limit = float("inf") if MAX_BODY is None else MAX_BODY
    # granian has refused a Content-Length that isn't a number with 400 before this runs.
    if int(environ.get("CONTENT_LENGTH") or 0) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async with asyncio.timeout(BODY_TIMEOUT):
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:  # a chunked body has no Content-Length to check first
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


async def send_response(send, status, headers, content):
    """A whole response, its WSGI header text sent as latin-1 bytes (PEP 3333)."""
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def wsgi_environ(scope):
    """The WSGI environ (PEP 3333) of an ASGI request, as gunicorn makes it, but for its body."""
    server_name, server_port = scope["server"]
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        # The path's bytes, percent-decoded, one character per byte; Django decodes them as UTF-8
        # and re-percent-encodes what isn't.
        "PATH_INFO": unquote_to_bytes(scope["raw_path"]).decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": PROTOCOLS[scope["http_version"]],
        "REMOTE_ADDR": scope["client"][0],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope["scheme"],
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        # "X_Forwarded_Proto" would become HTTP_X_FORWARDED_PROTO too: dropped, as gunicorn and
        # nginx drop it, so that no client can pose as the proxy in front.
        if "_" in name:
            continue
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
            continue
        if name == "content-length":
            environ["CONTENT_LENGTH"] = value
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:  # a header sent twice: one value, as HTTP joins them
            # Cookies are joined as one Cookie header lists them; gunicorn joins them with a
            # comma, which Django's cookie parser reads as part of the first cookie's value.
            value = environ[key] + ("; " if name == "cookie" else ",") + value
        environ[key] = value
    return environ


application = Application(wsgi_application, VIEW_THREADS)
