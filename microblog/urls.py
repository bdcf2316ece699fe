from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views import defaults

from microblog.errors import views as errors
from microblog.health import health

urlpatterns = [
    path("", include("microblog.posts.urls")),
    path("", include("accounts.urls")),
    path("errors/test", errors.raise_test_error, name="raise_test_error"),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]

# Django's own 400 and 500 views render 400.html and 500.html without a request context:
# whatever broke the request (the database, the session) must not break its error page too.

if settings.DEBUG:
    # With DEBUG on Django shows its debug pages instead of 404.html and 500.html:
    # these URLs show the pages that users will see in production.
    urlpatterns += [
        path("errors/404", defaults.page_not_found, {"exception": Http404()}),
        path("errors/500", defaults.server_error),
    ]

if settings.DEBUG_TOOLBAR:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
