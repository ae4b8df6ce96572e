"""The API under /api/v1 (django-ninja). Each domain contributes a Router from its api.py.

Auth: a bearer token or the page session (see jishi.api.auth; each operation's ``require_scope`` also checks the
token's scope before the input is parsed and gives a POST the generic Idempotency-Key); errors: problem+json
(jishi.api.problems).
OpenAPI at /api/v1/openapi.json, Swagger UI at /api/v1/docs served from ninja's bundled files (offline).
"""

from ninja import NinjaAPI

from jishi.api import auth, problems
from jishi.api.auth import SessionAuth, TokenAuth
from jishi.api.parser import JishiParser
from jishi.cases.api import categories_router
from jishi.cases.api import router as cases_router
from jishi.cockpit.api import router as cockpit_router
from jishi.notify.api import router as notify_router
from jishi.org.api import router as org_router
from jishi.points.api import router as points_router
from jishi.scoring.api import router as scoring_router
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
