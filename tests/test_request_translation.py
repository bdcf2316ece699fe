"""The production server hands Django each request as a reference WSGI server does: the same
requests, byte for byte, go to `make production` and to gunicorn, each in front of the same view
(tests/echo.py), and what Django saw is compared. Where they differ, the test says which is right
and why (microblog/bridge.py has it beside the code)."""

import json
import socket
import sys

import pytest

from livesite import free_port, running_site, serve

pytestmark = pytest.mark.slow

# Every request comes from this address, so that the client address is not the server's own.
CLIENT = "127.0.0.2"

CORPUS = {
    "a cookie with a UTF-8 byte beside the session": [b"Cookie: sessionid=abc; theme=caf\xc3\xa9"],
    "another header with latin-1 bytes": [b"X-Note: \xe9t\xe9"],
    "a header sent twice": [b"X-Tag: one", b"X-Tag: two"],
    "underscores in a header's name": [b"X_Forwarded_Proto: https", b"X-Forwarded-Proto: http"],
    "a client's request id": [b"X-Request-ID: 3f9a2c71"],
}
TARGETS = {
    "a percent-encoded path": b"/caf%C3%A9/a%20b",
    "a path that isn't UTF-8": b"/%FF%FE/x",
    "a query string": b"/?q=caf%C3%A9&q=2&x=%FF&empty=&plus=a+b&flag",
}
FORM = b"username=caf%C3%A9&about_me=a+b"
BODIES = {
    "a form": ([b"Content-Type: application/x-www-form-urlencoded"], FORM),
    "an empty body": ([b"Content-Type: text/plain"], b""),
}


def request(port, method=b"GET", target=b"/", headers=(), body=None, version=b"HTTP/1.1"):
    """What Django made of one request sent as these bytes."""
    if body is not None:
        headers = [*headers, b"Content-Length: %d" % len(body)]
    return send_raw(port, method + b" " + target + b" " + version, headers, body or b"")


def send_raw(port, request_line, headers, raw_body):
    with connect(port) as sock:
        sock.sendall(head(request_line, headers) + raw_body)
        return read_response(sock)


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(CLIENT, 0))


def head(request_line, headers):
    return b"\r\n".join(
        [request_line, b"Host: localhost", *headers, b"Connection: close", b"", b""]
    )


def read_response(sock):
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    status_line, _, content = data.partition(b"\r\n\r\n")
    assert status_line.split(b" ", 2)[1] == b"200", data
    return json.loads(content)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The echo view behind `make production` and behind gunicorn: the ports of both."""
    with running_site(
        tmp_path_factory.mktemp("bridge"), DJANGO_SETTINGS_MODULE="tests.echo"
    ) as site:
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "microblog.wsgi", "--bind", f"0.0.0.0:{port}"]
        with serve(
            tmp_path_factory.mktemp("gunicorn"), site.env, gunicorn, f"http://127.0.0.1:{port}"
        ):
            yield int(site.url.rpartition(":")[2]), port


def both(servers, **req):
    """What Django made of one request behind each server: (production, gunicorn)."""
    return tuple(request(port, **req) for port in servers)


@pytest.mark.parametrize("headers", CORPUS.values(), ids=CORPUS.keys())
def test_headers_arrive_as_gunicorn_delivers_them(servers, headers):
    production, gunicorn = both(servers, headers=headers)
    assert production == gunicorn
    assert production["META"]["REMOTE_ADDR"] == CLIENT


def test_another_sites_cookie_keeps_the_session_cookie(servers):
    production, _ = both(servers, headers=CORPUS["a cookie with a UTF-8 byte beside the session"])
    assert production["COOKIES"]["sessionid"] == "abc"


@pytest.mark.parametrize("target", TARGETS.values(), ids=TARGETS.keys())
def test_paths_and_queries_arrive_as_gunicorn_delivers_them(servers, target):
    production, gunicorn = both(servers, target=target)
    assert production == gunicorn


@pytest.mark.parametrize("version", [b"HTTP/1.0", b"HTTP/1.1"])
def test_the_protocol_version_arrives_as_sent(servers, version):
    production, gunicorn = both(servers, version=version)
    assert production == gunicorn
    assert production["META"]["SERVER_PROTOCOL"] == version.decode()


@pytest.mark.parametrize(("headers", "body"), BODIES.values(), ids=BODIES.keys())
def test_bodies_arrive_as_gunicorn_delivers_them(servers, headers, body):
    production, gunicorn = both(servers, method=b"POST", headers=headers, body=body)
    assert production == gunicorn
    assert production["body"] == body.decode()


def test_a_cookie_header_sent_twice_is_read_as_one_list_of_cookies(servers):
    """gunicorn joins the two with a comma, which Django's cookie parser takes as part of the
    first cookie's value; the bridge joins them as one Cookie header lists cookies."""
    twice = [b"Cookie: sessionid=abc", b"Cookie: theme=dark"]
    production, gunicorn = both(servers, headers=twice)
    assert production["COOKIES"] == {"sessionid": "abc", "theme": "dark"}
    assert gunicorn["COOKIES"] == {"sessionid": "abc,theme=dark"}
    assert production["META"] | {"HTTP_COOKIE": ""} == gunicorn["META"] | {"HTTP_COOKIE": ""}


def test_a_chunked_body_reaches_django(servers):
    """gunicorn hands Django a chunked body without a Content-Length, and Django then reads none
    of it; the bridge has read it whole and says how long it is."""
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (9, FORM[:9], len(FORM) - 9, FORM[9:])
    headers = [b"Content-Type: application/x-www-form-urlencoded", b"Transfer-Encoding: chunked"]
    production, gunicorn = (
        send_raw(port, b"POST / HTTP/1.1", headers, chunked) for port in servers
    )
    assert production["body"] == FORM.decode()
    assert production["META"]["CONTENT_LENGTH"] == str(len(FORM))
    assert gunicorn["body"] == ""
    assert "CONTENT_LENGTH" not in gunicorn["META"]
    assert production | {"body": "", "META": {}} == gunicorn | {"body": "", "META": {}}


def test_a_client_that_expects_100_continue_is_told_to_go_on(servers):
    headers = [b"Content-Type: application/x-www-form-urlencoded", b"Expect: 100-continue"]
    production, gunicorn = (expect_continue(port, headers, FORM) for port in servers)
    assert production == gunicorn
    assert production["body"] == FORM.decode()


def expect_continue(port, headers, body):
    """Send the headers, wait for `100 Continue`, then send the body."""
    with connect(port) as sock:
        sock.sendall(head(b"POST / HTTP/1.1", [*headers, b"Content-Length: %d" % len(body)]))
        interim = b""
        while b"\r\n\r\n" not in interim:
            interim += sock.recv(1)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        return read_response(sock)
