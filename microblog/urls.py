from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views import defaults

from microblog import views

urlpatterns = [
    path("", views.index, name="index"),
    path("index", views.index),
    path("errors/test", views.raise_test_error, name="raise_test_error"),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

handler500 = views.server_error

if settings.DEBUG:
    # With DEBUG on Django shows its debug pages instead of 404.html and 500.html:
    # these URLs show the pages that users will see in production.
    urlpatterns += [
        path("errors/404", defaults.page_not_found, {"exception": Http404()}),
        path("errors/500", views.server_error),
    ]

if settings.DEBUG_TOOLBAR:
    from debug_toolbar.toolbar import debug_toolbar_urls

    urlpatterns += debug_toolbar_urls()
