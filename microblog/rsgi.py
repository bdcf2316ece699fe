"""The production server's entry point: granian's RSGI interface in front of microblog.wsgi.

Why not granian's WSGI interface: it hands a request to a Python thread as soon as its headers
are in, and the thread then waits for the body for as long as the client takes to send it, with no
time limit. A few clients that send a form one byte a second held every thread and stopped the
site (measured: 8 of them, 10 of 10 visits unanswered). Here the body is read on the worker's event
loop, which waits on any number of them at once, within BODY_TIMEOUT; only a request that has
arrived in full is handed to one of the VIEW_THREADS threads that run Django. That hand-off has a
price, measured side by side with the WSGI interface (6 interleaved rounds, medians): about a tenth
fewer requests per second on /login and /user/<name>, and p99 from 21 to 30 ms and 25 to 32 ms.
"""

import asyncio
import io
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from granian.rsgi import ProtocolClosed

from microblog.errors.request_id import HEADER, start_request
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
# What a refused request is told; the connection is closed after it.
REFUSED = {408: b"Request Timeout\n", 413: b"Content Too Large\n"}

# One line per request: refused ones too, as the request id middleware writes it for the others.
access_log = logging.getLogger("microblog.access")


class BodyTooLarge(Exception):
    pass


class Application:
    """Read each request in full, then run the WSGI application on it in a view thread."""

    def __init__(self, wsgi, threads):
        self.wsgi = wsgi
        self.views = ThreadPoolExecutor(threads, thread_name_prefix="view")

    async def __rsgi__(self, scope, protocol):
        try:
            body = await read_body(scope, protocol)
        except TimeoutError:
            return refuse(scope, protocol, 408)
        except BodyTooLarge:
            return refuse(scope, protocol, 413)
        except ProtocolClosed:  # the client went away: nobody to answer
            return
        loop = asyncio.get_running_loop()
        status, headers, content = await loop.run_in_executor(
            self.views, self.respond, wsgi_environ(scope, body)
        )
        protocol.response_bytes(status, headers, content)

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


async def read_body(scope, protocol):
    if scope.method in NO_BODY:
        return b""
    limit = float("inf") if MAX_BODY is None else MAX_BODY
    if int(scope.headers.get("content-length") or 0) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async with asyncio.timeout(BODY_TIMEOUT):
        async for chunk in protocol:
            size += len(chunk)
            if size > limit:  # a chunked body has no Content-Length to check first
                raise BodyTooLarge
            chunks.append(chunk)
    return b"".join(chunks)


def refuse(scope, protocol, status):
    request_id = start_request(scope.headers.get(HEADER.lower(), ""))
    access_log.info('%s "%s %s" %s', client_address(scope), scope.method, scope.path, status)
    headers = [("content-type", "text/plain"), ("connection", "close"), (HEADER, request_id)]
    protocol.response_bytes(status, headers, REFUSED[status])


def wsgi_environ(scope, body):
    """The WSGI environ (PEP 3333) of an RSGI request whose body has been read."""
    server_name, _, server_port = scope.server.rpartition(":")
    environ = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        # WSGI passes the (percent-decoded) path as its UTF-8 bytes, one character per byte.
        "PATH_INFO": scope.path.encode().decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
        "REMOTE_ADDR": client_address(scope),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        # "X_Forwarded_Proto" would become HTTP_X_FORWARDED_PROTO too: dropped, as gunicorn and
        # nginx drop it, so that no client can pose as the proxy in front.
        if "_" in name:
            continue
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
            continue
        if name == "content-length":
            continue
        key = "HTTP_" + name.upper().replace("-", "_")
        if key in environ:  # a header sent twice: one value, as HTTP joins them
            value = environ[key] + ("; " if name == "cookie" else ",") + value
        environ[key] = value
    return environ


def client_address(scope):
    return scope.client.rpartition(":")[0]


application = Application(wsgi_application, VIEW_THREADS)
