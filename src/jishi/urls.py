"""URL map: pages (jishi.web), domain pages, Django admin, and the API under /api/v1."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from jishi.api.urls import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("org/", include("jishi.org.urls")),
    path("cases/", include("jishi.cases.urls")),
    path("admin/", admin.site.urls),
    path("", include("jishi.web.urls")),
]
if settings.DEBUG or settings.TESTING:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
