"""Schemathesis against the OpenAPI document: generated requests (valid and invalid) never make the
API fail with a 5xx, and every answer matches the documented status codes, content types and schemas."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jishi.core import calendar
from jishi.platform import tokens
from jishi.urls import api

pytestmark = pytest.mark.slow  # property-based fuzzing: make check leaves it out; make test runs it

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()  # requests go through the Django app in-process


@pytest.fixture
def keep_connection():
    """Requests run in-process inside the test's transaction: like Django's test client, do not let
    request start/finish close the database connection (PostgreSQL would lose the transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_header(city, settings, tmp_path, keep_connection):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    calendar.clear_cache()
    _, text = tokens.create_token(None, city.user("admin"), "fuzz", list(tokens.SCOPES))
    return {"Authorization": f"Bearer {text}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_generated_requests_never_make_the_api_fail(case, admin_header):
    # Not positive_data_acceptance: a schema-valid cursor or category code can still name nothing (422).
    case.call_and_validate(headers=admin_header, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance])
