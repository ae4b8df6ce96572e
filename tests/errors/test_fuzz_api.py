"""Fuzz of the whole OpenAPI document (issue 13, acceptance) signed in as a city commander, a town commander, a
grid worker and a resident (tests/api/test_openapi_fuzz.py does it as the admin, against the schemas): no answer
is a 5xx and every error is problem+json. Deterministic (derandomized hypothesis) and bounded; marked slow."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from jishi.core import calendar
from jishi.platform import tokens
from jishi.urls import api
from tests.api.test_openapi_fuzz import keep_connection  # noqa: F401

# slow; and run by the SQLite pass only: the roles change what each call may see (the scope rules, tested on both
# databases elsewhere), not how a database takes the input — the admin's fuzz of every endpoint
# (tests/api/test_openapi_fuzz.py) runs on PostgreSQL too
pytestmark = [pytest.mark.slow, pytest.mark.sqlite_pass]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
ROLES = ("city_commander", "town_commander", "grid_worker", "resident")


def problem_json_errors(ctx, response, case):
    """Every 4xx/5xx of the API is RFC 9457 problem+json with its status in the body."""
    if response.status_code < 400:
        return None
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    assert ctype.startswith("application/problem+json"), f"{response.status_code} as {ctype}"
    assert json.loads(response.content)["status"] == response.status_code
    return None


@pytest.fixture(params=ROLES)
def role_header(request, city, settings, tmp_path, keep_connection):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    calendar.clear_cache()
    _, text = tokens.create_token(None, city.user(request.param), "fuzz", list(tokens.SCOPES))
    return {"Authorization": f"Bearer {text}"}


@schema.parametrize()
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_api_answer_is_5xx_and_every_error_is_problem_json(case, role_header):
    case.call_and_validate(headers=role_header, checks=[not_a_server_error, problem_json_errors])
