"""Fixtures of the case tests: media in a temporary directory, a fresh calendar cache, and a
helper that reports a case through the real intake service."""

from __future__ import annotations

import pytest

from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import Category
from jishi.cases.seed import load

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"x" * 100
EXE = b"MZ\x90\x00" + b"\x00" * 200



@pytest.fixture
def report(city):
    """``report(who="grid_worker", where="A1a1", category="0101", **kw)`` → a reported case."""

    if not Category.objects.exists():  # a transactional test flushed the seeded categories
        load(Category)

    def _report(who: str | None = "grid_worker", where: str = "A1a1", category: str = "0101", **kw):
        lng, lat = city.point_in(where)
        kw.setdefault("channel", Channel.PATROL)
        kw.setdefault("title", "路边暴露垃圾")
        actor = city.user(who) if who else None
        return services.report_case(actor, category_code=category, lng=lng, lat=lat, **kw)

    return _report


def walk_to(city, case, state: str):
    """Drive ``case`` through the loop with the real roles until it reaches ``state``."""
    steps = [
        ("accepted", lambda c: services.accept(city.user("town_commander"), c)),
        ("dispatched", lambda c: services.dispatch(city.user("town_commander"), c, department=city.departments["urban"])),
        ("in_progress", lambda c: services.acknowledge(city.user("dept_urban"), c)),
        ("handled", lambda c: services.handle(city.user("dept_urban"), c, note="已清理完毕", files=[JPEG])),
        ("verified", lambda c: services.verify(city.user("grid_worker"), c, passed=True, note="现场已干净")),
        ("closed", lambda c: services.close(city.user("town_commander"), c)),
    ]
    for name, step in steps:
        case = step(case)
        if name == state:
            return case
    return case
