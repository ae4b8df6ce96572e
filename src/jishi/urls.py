"""URL map: pages (jishi.web), Django admin, and the API under /api/v1."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("jishi.web.urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG or settings.TESTING:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

__all__ = ["i18n_patterns", "urlpatterns"]
