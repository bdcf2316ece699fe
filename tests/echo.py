"""A URLconf whose one view answers any request with what Django made of it: the settings of
the servers in tests/test_request_translation.py (DJANGO_SETTINGS_MODULE=tests.echo)."""

from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from microblog.settings import *  # noqa: F403

ROOT_URLCONF = __name__

# The environ entries Django reads, besides the HTTP_ headers.
READ_BY_DJANGO = [
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "PATH_INFO",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "REMOTE_ADDR",
    "SERVER_PROTOCOL",
    "wsgi.url_scheme",
]


@csrf_exempt
def echo(request):
    meta = {k: v for k, v in request.META.items() if k.startswith("HTTP_") or k in READ_BY_DJANGO}
    return JsonResponse(
        {
            "META": meta,
            "path": request.path,
            "GET": dict(request.GET.lists()),
            "COOKIES": request.COOKIES,
            "body": request.body.decode("latin-1"),
        }
    )


urlpatterns = [re_path("", echo)]
