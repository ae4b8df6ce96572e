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
    path("points/", include("jishi.points.urls")),
    path("scoring/", include("jishi.scoring.urls")),
    path("cockpit/", include("jishi.cockpit.urls")),
    path("open311/v2/", include("jishi.open311.urls")),
    path("webhooks/", include("jishi.webhooks.urls")),
    path("ports/", include("jishi.api.pages")),
    path("admin/", admin.site.urls),
    path("security/", include("jishi.security.urls")),
    path("", include("jishi.web.urls")),
]
if settings.DEBUG or settings.TESTING:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
if settings.TESTING:  # test-only write endpoint for the crash-safety test (never in production)
    from jishi.security.testviews import urlpatterns as _test_urls

    urlpatterns += _test_urls()
if getattr(settings, "JISHI_BENCH_VIEWS", False):  # `make bench` baselines (never on a user-facing server)
    from jishi.benchviews import urlpatterns as _bench_urls

    urlpatterns = _bench_urls() + urlpatterns
