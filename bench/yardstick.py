"""The yardstick of `make bench`: a bare Django app, one view, no middleware, no database.

Served by gunicorn with 2 sync workers beside the site, in the same run: each page's req/s is
printed as a fraction of this one's, a ratio that holds from machine to machine.

    gunicorn bench.yardstick:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="a-benchmark-only-key",  # noqa: S106
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
)


def hello(request):
    return HttpResponse("Hello, World!")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
