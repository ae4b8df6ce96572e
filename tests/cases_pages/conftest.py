"""Fixtures of the case page tests: files under a temporary media root, a few cases in the test city."""

from __future__ import annotations

import base64

import pytest

from jishi.cases import services
from jishi.cases.models import Category
from jishi.cases.seed import load as load_categories

# A real 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def categories(db):
    load_categories(Category)  # the data migration's rows are gone after a transactional test
    return Category.objects


@pytest.fixture
def make_case(city, categories):
    """Report a case as ``who`` at a point inside region ``where`` (default: micro-grid A1a1)."""

    def _make(title="垃圾堆放", who="grid_worker", where="A1a1", code="0101", channel="patrol", **kw):
        lng, lat = city.point_in(where)
        return services.report_case(city.user(who), channel=channel, category_code=code, title=title, lng=lng,
                                    lat=lat, **kw)

    return _make


def advance(case, city, to: str):
    """Walk a case through the loop with the real roles up to state ``to``."""
    town, dept, gw = city.user("town_commander"), city.user("dept_urban"), city.user("grid_worker")
    steps = [
        ("accepted", lambda c: services.accept(town, c)),
        ("dispatched", lambda c: services.dispatch(town, c, department=city.departments["urban"])),
        ("in_progress", lambda c: services.acknowledge(dept, c)),
        ("handled", lambda c: services.handle(dept, c, note="已清理")),
        ("verified", lambda c: services.verify(gw, c, passed=True)),
        ("closed", lambda c: services.close(town, c)),
    ]
    for state, step in steps:
        case = step(case)
        if state == to:
            break
    return case
