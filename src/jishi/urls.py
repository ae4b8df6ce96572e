"""The wiring: the URL map (pages of jishi.web and of each domain, Django admin, the open platform's ports pages,
Open311) and the API under /api/v1 (django-ninja), which mounts each domain's ``api.py`` Router. The only module
that imports every domain.

API auth: a bearer token or the page session (``jishi.http.auth``; each operation's ``require_scope`` also checks
the token's scope before the input is parsed and gives a POST the generic Idempotency-Key); errors: problem+json
(``jishi.http.problems``). OpenAPI at /api/v1/openapi.json, Swagger UI at /api/v1/docs from ninja's bundled files
(offline).
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from ninja import NinjaAPI

from jishi.accounts import api as accounts_api
from jishi.bees.api import router as bees_router
from jishi.blueprint.api import alliances_router, funds_router
from jishi.blueprint.api import router as blueprint_router
from jishi.burden.api import data_requests_router, ledgers_router
from jishi.cadres.api import router as cadres_router
from jishi.cases.api import categories_router
from jishi.cases.api import router as cases_router
from jishi.cockpit.api import router as cockpit_router
from jishi.engage.api import projects_router, wishes_router
from jishi.evaluation.api import router as evaluation_router
from jishi.http import auth, problems
from jishi.http.auth import SessionAuth, TokenAuth
from jishi.http.parser import JishiParser
from jishi.mediation.api import router as mediation_router
from jishi.notify.api import router as notify_router
from jishi.open311.formats import error_for as open311_error
from jishi.org.api import router as org_router
from jishi.party.api import router as party_router
from jishi.points.api import router as points_router
from jishi.scoring.api import router as scoring_router
from jishi.venues.api import router as venues_router
from jishi.visits.api import router as visits_router
from jishi.web import views_errors
from jishi.webhooks.api import router as webhooks_router


class JishiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return auth.document(problems.document(super().get_openapi_schema(*args, **kwargs)))


api = JishiAPI(
    title="Jishi API",
    version="1",
    description="基石开放接口：事件上报与办理、组织架构。令牌：`Authorization: Bearer jsk_…`。错误为 RFC 9457 problem+json。",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    parser=JishiParser(),
)
problems.install(api)
api.add_router("/org", org_router, tags=["org"])
api.add_router("/cases", cases_router, tags=["cases"])
api.add_router("/categories", categories_router, tags=["cases"])
api.add_router("/points", points_router, tags=["points"])
api.add_router("/scoring", scoring_router, tags=["scoring"])
api.add_router("/webhooks", webhooks_router, tags=["webhooks"])
api.add_router("/cockpit", cockpit_router, tags=["cockpit"])
api.add_router("/notifications", notify_router, tags=["notifications"])
api.add_router("/mediation", mediation_router, tags=["mediation"])
api.add_router("/visits", visits_router, tags=["visits"])
# The resident entrance (anonymous: its own document, outside the token-scoped one)
auth_api = JishiAPI(title="Jishi entrance API", version="1", urls_namespace="api-v1-auth", auth=None,
                    parser=JishiParser(), description="居民入口：短信验证码、登录/注册、找回密码（docs/accounts.md）。")
accounts_api.install(auth_api)
api.add_router("/venues", venues_router, tags=["venues"])
api.add_router("/evaluation", evaluation_router, tags=["evaluation"])
api.add_router("/wishes", wishes_router, tags=["wishes"])
api.add_router("/projects", projects_router, tags=["projects"])
api.add_router("/blueprint", blueprint_router, tags=["blueprint"])
api.add_router("/funds", funds_router, tags=["funds"])
api.add_router("/alliances", alliances_router, tags=["alliances"])
api.add_router("/party", party_router, tags=["party"])
api.add_router("/cadres", cadres_router, tags=["cadres"])
api.add_router("/bees", bees_router, tags=["bees"])
api.add_router("/ledgers", ledgers_router, tags=["burden"])
api.add_router("/data-requests", data_requests_router, tags=["burden"])

# Error answers: framed pages, problem+json under /api/, the GeoReport error list under /open311/
views_errors.FORMATS["/open311/"] = open311_error
handler400 = views_errors.bad_request
handler403 = views_errors.permission_denied
handler404 = views_errors.page_not_found
handler500 = views_errors.server_error

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("org/", include("jishi.org.urls")),
    path("cases/", include("jishi.cases.urls")),
    path("points/", include("jishi.points.urls")),
    path("scoring/", include("jishi.scoring.urls")),
    path("cockpit/", include("jishi.cockpit.urls")),
    path("visits/", include("jishi.visits.urls")),
    path("mediation/", include("jishi.mediation.urls")),
    path("venues/", include("jishi.venues.urls")),
    path("evaluation/", include("jishi.evaluation.urls")),
    path("engage/", include("jishi.engage.urls")),
    path("blueprint/", include("jishi.blueprint.urls")),
    path("party/", include("jishi.party.urls")),
    path("cadres/", include("jishi.cadres.urls")),
    path("bees/", include("jishi.bees.urls")),
    path("burden/", include("jishi.burden.urls")),
    path("open311/v2/", include("jishi.open311.urls")),
    path("webhooks/", include("jishi.webhooks.urls")),
    path("ports/", include("jishi.platform.pages")),
    path("admin/", admin.site.urls),
    path("security/", include("jishi.security.urls")),
    path("", include("jishi.web.urls")),
    path("api/v1/auth/", auth_api.urls),
    path("accounts/", include("jishi.accounts.urls")),
]
if settings.TESTING:  # test-only write endpoint for the crash-safety test (never in production)
    from jishi.security.testviews import urlpatterns as _test_urls

    urlpatterns += _test_urls()
if getattr(settings, "JISHI_BENCH_VIEWS", False):  # `make bench` baselines (never on a user-facing server)
    from jishi.benchviews import urlpatterns as _bench_urls

    urlpatterns = _bench_urls() + urlpatterns
