"""Schemathesis over /api/v1/webhooks with a port's own token (the API-wide fuzz uses a personal token,
which these routes refuse with 403): generated requests never make them fail with a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jishi.urls import api
from tests.api.test_openapi_fuzz import keep_connection  # noqa: F401 — a fixture

pytestmark = pytest.mark.slow  # property-based fuzzing: make check leaves it out; make test runs it
schema = schemathesis.openapi.from_dict(api.get_openapi_schema()).include(path_regex="^/api/v1/webhooks")
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_generated_requests_never_make_the_webhook_api_fail(case, open_port, keep_connection):  # noqa: F811
    port = open_port("city_commander")
    header = port.api.defaults["HTTP_AUTHORIZATION"]
    case.call_and_validate(headers={"Authorization": header}, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])
