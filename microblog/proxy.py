"""What the proxies in front may say of a request, and nobody else: whether it reached the site over
HTTPS, which address it came from, and its request id (microblog/errors/request_id.py)."""

from ipaddress import ip_address

from django.conf import settings


class TrustedProxyMiddleware:
    """Drop X-Forwarded-Proto from every request that did not come from a TRUSTED_PROXIES address.

    Django believes SECURE_PROXY_SSL_HEADER from whoever sends it. The site may also be reached
    directly (make production on 0.0.0.0:$PORT, or with TLS of its own), and a client that says
    "https" there would skip SECURE_SSL_REDIRECT and give error emails its scheme. So the header
    counts only from a proxy that the environment names; without any, it never counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proto = request.META.get("HTTP_X_FORWARDED_PROTO")
        if proto is not None:
            if from_trusted_proxy(request):
                # Each proxy appends what it saw; the nearest one, which we trust, wrote the last.
                # (Django reads the first, which a client can write.)
                request.META["HTTP_X_FORWARDED_PROTO"] = proto.rpartition(",")[2].strip()
            else:
                del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


def from_trusted_proxy(request):
    if not settings.TRUSTED_PROXIES:
        return False
    try:
        address = ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:  # no address, or a Unix socket's
        return False
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request):
    """The address the request came from: REMOTE_ADDR, or, from a TRUSTED_PROXIES proxy, the
    address that proxy added last to X-Forwarded-For (the one it saw; a client can write anything
    before it). The login lockout counts failures per this address."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not from_trusted_proxy(request):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rpartition(",")[2].strip()
    try:
        return str(ip_address(without_port(forwarded)))
    except ValueError:  # the proxy sent none, or not an address
        return remote


def without_port(address):
    """The address of a forwarded "host:port": 203.0.113.9:1234, [2001:db8::1]:443, or a bare one
    (an IPv6 address alone has colons but no brackets)."""
    if address.startswith("["):
        return address[1:].partition("]")[0]
    host, colon, port = address.partition(":")
    return host if colon and ":" not in port else address
