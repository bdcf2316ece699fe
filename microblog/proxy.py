"""Which clients may say that a request reached the site over HTTPS: the proxies in front."""

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
        self.proxies = settings.TRUSTED_PROXIES

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not self.from_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)

    def from_proxy(self, request):
        if not self.proxies:
            return False
        try:
            address = ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:  # no address, or a Unix socket's
            return False
        return any(address in network for network in self.proxies)
