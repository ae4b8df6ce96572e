"""API fixtures: a bearer token per role user of the test city."""

from __future__ import annotations

import pytest
from django.test import Client

from jishi.platform import tokens

ALL_SCOPES = list(tokens.SCOPES)


@pytest.fixture
def bearer(city):
    """``bearer("grid_worker")`` -> a test client whose requests carry a fresh token of that user."""

    def _bearer(key: str, scopes: list[str] | None = None) -> Client:
        _, text = tokens.create_token(None, city.user(key), f"test {key}", scopes or ALL_SCOPES)
        return Client(HTTP_AUTHORIZATION=f"Bearer {text}")

    return _bearer


@pytest.fixture
def cases_everywhere(city):
    """One case in every micro-grid, half of them dispatched to the urban department."""
    from jishi.cases import services
    from jishi.cases.intake import report_case

    admin = city.user("admin")
    out = []
    for i, mg in enumerate(sorted(k for k, r in city.regions.items() if r.level == "microgrid")):
        lng, lat = city.point_in(mg)
        case = report_case(admin, channel="hotline", category_code="0101", title=f"事件{mg}", lng=lng, lat=lat)
        if i % 2:
            services.act(admin, case, "accept")
            services.act(admin, case, "dispatch", department=city.departments["urban"].pk)
        out.append(case)
    return out
