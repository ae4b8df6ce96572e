"""Evaluation fixtures: this year's published "1+3+5+N" scheme, an assessment of A1 started by its cadre, and the
case tests' report helper (cases closed in A1 feed the computed indicators)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jishi.cases.files import validate_upload
from jishi.core.indicators import unregistered
from jishi.evaluation import services
from tests.cases.conftest import PDF, report  # noqa: F401

# The indicators other apps compute (the 8-minute circle, the venue network, wish fulfilment): these
# specifications describe the scheme before those apps register them; each app tests its own plugging in.
OTHER_APPS = ("venues.eight_minute", "venues.network", "wishes.fulfilment")


@pytest.fixture(autouse=True)
def _without_other_apps_indicators():
    with unregistered(*OTHER_APPS):
        yield


@pytest.fixture
def scheme(city):
    s = services.create_scheme(city.user("city_commander"), year=timezone.localdate().year, name="智慧社区评价体系")
    return services.publish(city.user("city_commander"), s)


@pytest.fixture
def assessment(city, scheme):
    return services.start_assessment(city.user("village_cadre"), city.regions["A1"])


def upload(name: str = "挂牌照片.pdf"):
    return validate_upload(SimpleUploadedFile(name, PDF))


def leaf(a, code: str):
    return a.scheme.indicators.get(code=code)


def self_assess_all(city, a, points: float | None = None):
    """The cadre uploads one file and scores every evidence indicator (``points`` or its maximum)."""
    cadre = city.user("village_cadre")
    for s in a.scores.select_related("indicator").filter(computed=False):
        services.add_evidence(cadre, a, s.indicator, upload())
        services.self_score(cadre, a, s.indicator, points=s.indicator.points if points is None else points)
    a.refresh_from_db()
    return a
