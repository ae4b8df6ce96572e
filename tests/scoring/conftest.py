"""Fixtures of the scoring tests: media in a temporary directory, a fresh calendar cache, a helper
that reports a case through the real intake service, and a clock set inside October 2026."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import Category
from jishi.cases.seed import load

TZ = ZoneInfo("Asia/Shanghai")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)



@pytest.fixture
def clock():
    """A stopped clock at Mon 2026-10-12 09:00 (Shanghai); ``clock.move_to(at(...))`` moves it."""
    with time_machine.travel(at(2026, 10, 12, 9, 0), tick=False) as t:
        yield t


@pytest.fixture
def report(city):
    if not Category.objects.exists():
        load(Category)

    def _report(who: str | None = "grid_worker", where: str = "A1a1", category: str = "0101", **kw):
        lng, lat = city.point_in(where)
        kw.setdefault("channel", Channel.PATROL)
        kw.setdefault("title", "路边暴露垃圾")
        actor = city.user(who) if who else None
        return services.report_case(actor, category_code=category, lng=lng, lat=lat, **kw)

    return _report
