"""Published boards: frozen snapshots that equal a recomputation from the cases behind them; schemes
keep their version; small units are listed but not ranked."""

import random
from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command

from jishi.cases import demo
from jishi.cases.models import Case
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.scoring.boards import live_board, publish_board, publish_month
from jishi.scoring.indicators import INDICATORS, UNIT_TYPES, cases_behind
from jishi.scoring.models import Board, BoardRow, Scheme
from jishi.scoring.periods import Month
from jishi.scoring.schemes import grade_of, scheme_for
from tests.scoring.conftest import at

OCT = Month(2026, 10)


@pytest.fixture
def demo_city(city, monkeypatch):
    monkeypatch.setitem(demo.SCALES, "small", (2000, 300))
    monkeypatch.setitem(demo.LIVE, "small", 0)
    ctx = SimpleNamespace(scale="small", seed=7, rng=random.Random(7), progress=lambda *a, **k: None,
                          today=date(2026, 11, 27))
    demo.generate(ctx)
    return city


def test_the_published_board_equals_a_recomputation_from_the_cases(demo_city):
    boards = publish_month(demo_city.user("city_commander"), OCT)
    assert {b.unit_type for b in boards} == set(UNIT_TYPES)
    dept_board = next(b for b in boards if b.unit_type == "department")
    rows = list(dept_board.rows.all())
    assert sum(r.volume for r in rows) > 50
    checked = 0
    for board in boards:
        for row in board.rows.all():
            for key, fig in row.figures.items():
                ind = INDICATORS[key]
                num = sum(cases_behind(ind, "numerator", board.unit_type, row.unit_id, OCT).values_list("n", flat=True))
                assert num == fig["num"], (board.unit_type, row.unit_name, key)
                if ind.is_rate:
                    den = sum(cases_behind(ind, "denominator", board.unit_type, row.unit_id, OCT)
                              .values_list("n", flat=True))
                    assert den == fig["den"], (board.unit_type, row.unit_name, key)
                    checked += 1
    assert checked >= 50
    # and independently of the indicator filters, in plain Python over the case rows:
    start, end = OCT.start, OCT.end
    for row in rows:
        mine = Case.objects.filter(handling_department_id=row.unit_id).values(
            "dispatched_at", "closed_at", "handle_due_at", "state", "rework_count")
        received = sum(1 for c in mine if c["dispatched_at"] and start <= c["dispatched_at"] < end)
        # 按期办结率 and 返工率 of the cases received (dispatched) in the month and closed (jishi.cases.figures)
        closed = [c for c in mine if c["dispatched_at"] and start <= c["dispatched_at"] < end
                  and c["closed_at"] and c["state"] == "closed"]
        on_time = sum(1 for c in closed if c["closed_at"] <= c["handle_due_at"])
        reworked = sum(1 for c in closed if c["rework_count"] > 0)
        f = row.figures
        assert (f["received"]["num"], f["on_time_closure_rate"]["num"], f["on_time_closure_rate"]["den"],
                f["rework_rate"]["num"]) == (received, on_time, len(closed), reworked)
    # the frozen rows match a live recomputation of the same month
    live = live_board("department", OCT, dept_board.scheme)
    assert sorted((s.unit.unit_id, s.score, s.rank) for s in live.rows) == \
        sorted((r.unit_id, r.score, r.rank) for r in rows)


def test_publishing_is_once_per_month_and_the_command_is_idempotent(demo_city, capsys):
    call_command("publish_boards", month="2026-09")
    n = Board.objects.count()
    assert n == len(UNIT_TYPES)
    call_command("publish_boards", month="2026-09")
    assert Board.objects.count() == n
    with pytest.raises(Conflict):
        publish_board(None, "department", Month(2026, 9), scheme_for("department"))


def test_only_a_city_commander_or_admin_publishes_and_only_after_month_end(city):
    with pytest.raises(PermissionDenied):
        publish_board(city.user("town_commander"), "town", OCT)
    with time_machine.travel(at(2026, 10, 20, 9, 0), tick=False), pytest.raises(ValidationFailed):
        publish_board(city.user("city_commander"), "town", OCT)


def test_a_published_row_keeps_the_scheme_version_it_was_computed_with(city):
    old = scheme_for("department")
    board = publish_board(city.user("admin"), "department", Month(2026, 8), old)
    Scheme.objects.create(code=old.code, version=old.version + 1, name=old.name, unit_type=old.unit_type,
                          terms=[{"indicator": "closure_rate", "weight": 1}], bands=old.bands)
    assert scheme_for("department").version == old.version + 1
    board.refresh_from_db()
    assert board.scheme_version == old.version and board.scheme == old


def test_the_default_schemes_are_seeded(db):
    codes = set(Scheme.objects.values_list("code", flat=True))
    assert {"gbt30428", "12345-3rates"} <= codes
    gbt = scheme_for("department")
    assert gbt.code == "gbt30428" and gbt.version == 2
    assert sum(t["weight"] for t in gbt.terms) == pytest.approx(1.0)
    # the department scheme counts the response (签收) rate and overdue cases (GB/T 30428.4 style)
    assert {"response_rate", "overdue_rate", "on_time_closure_rate"} <= {t["indicator"] for t in gbt.terms}


def test_a_unit_below_the_minimum_volume_is_listed_but_not_ranked(demo_city):
    scheme = scheme_for("grid_worker")
    board = publish_board(None, "grid_worker", OCT, scheme)
    rows = list(board.rows.all())
    assert any(r.volume < scheme.min_volume and r.rank is None and r.grade == "" for r in rows) or \
        all(r.volume >= scheme.min_volume for r in rows)
    ranked = [r for r in rows if r.rank is not None]
    assert all(r.volume >= scheme.min_volume for r in ranked)
    assert BoardRow.objects.filter(board=board).count() == len(rows)


def test_grades_follow_the_bands():
    bands = {"A": 90, "B": 80, "C": 70, "D": 60}
    assert [grade_of(s, bands) for s in (95, 90, 85, 72, 61, 10)] == ["A", "A", "B", "C", "D", "E"]
    assert grade_of(None, bands) == ""
