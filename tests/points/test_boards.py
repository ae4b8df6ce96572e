"""Monthly public boards: publication, notice period, objections freeze postings, final frozen snapshot."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from jishi.core.errors import Conflict, PermissionDenied
from jishi.points import ledger
from jishi.points.boards import finalise_board, publish_board, raise_objection, resolve_objection
from jishi.points.choices import AccountKind, BoardStatus, ObjectionStatus
from jishi.points.earning import apply_item
from jishi.points.models import BoardLine
from jishi.points.reconcile import reconcile

OCT = timezone.make_aware(datetime(2026, 10, 15, 10))
NOV = timezone.make_aware(datetime(2026, 11, 3, 9))


@pytest.fixture
def october(city, items):
    cadre = city.user("village_cadre")
    a = apply_item(cadre, city.people["resident"], items["HR01"], key="a", at=OCT)
    b = apply_item(cadre, city.people["merchant"], items["HY01"], key="b", at=OCT)
    c = apply_item(cadre, city.people["volunteer"], items["KC01"], key="c", at=OCT)
    return a, b, c


def test_a_board_ranks_the_month_and_is_published_for_seven_days(city, october):
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)
    assert board.status == BoardStatus.PUBLISHED and board.notice_until == NOV + timedelta(days=7)
    lines = list(BoardLine.objects.filter(board=board))
    assert [(line.person_name, line.honour_total) for line in lines][:2] == [("张居民", 10), ("王店主", 2)]
    assert lines[-1].deducted == 5 and lines[-1].honour_total == -5
    with pytest.raises(Conflict):
        publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)


def test_a_month_not_yet_over_cannot_be_published(city, october):
    from jishi.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=OCT)


def test_an_objection_freezes_the_posting_until_resolved(city, october):
    a, _, _ = october
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)
    objection = raise_objection(city.user("volunteer"), board, a, "他那天不在村里", now=NOV + timedelta(days=1))
    assert objection.frozen == 10
    assert ledger.person_account(city.people["resident"]).balance == 0
    assert ledger.system_account(AccountKind.FROZEN, city.regions["A1"].pk).balance == 10
    assert reconcile().ok
    with pytest.raises(Conflict, match="异议未处理"):
        finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=8))
    resolve_objection(city.user("village_cadre"), objection, False, "经核实确有其事")
    assert ledger.person_account(city.people["resident"]).balance == 10
    board = finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=8))
    assert board.status == BoardStatus.FINAL and reconcile().ok


def test_an_upheld_objection_reverses_the_posting_and_the_final_board_drops_it(city, october):
    a, _, _ = october
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)
    objection = raise_objection(city.user("volunteer"), board, a, "他那天不在村里", now=NOV)
    objection = resolve_objection(city.user("village_cadre"), objection, True, "核实不属实")
    assert objection.status == ObjectionStatus.UPHELD and a.reversal.points == -10
    assert ledger.person_account(city.people["resident"]).balance == 0
    assert ledger.person_account(city.people["resident"], AccountKind.HONOUR).balance == 0
    board = finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=7))
    assert not BoardLine.objects.filter(board=board, person=city.people["resident"]).exists()
    assert reconcile().ok


def test_objections_are_refused_after_the_notice_period_and_from_other_villages(city, october):
    a, _, _ = october
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)
    with pytest.raises(PermissionDenied):
        raise_objection(city.user("grid_worker_b"), board, a, "不服", now=NOV)
    with pytest.raises(Conflict):
        raise_objection(city.user("volunteer"), board, a, "不服", now=NOV + timedelta(days=8))


def test_a_final_board_is_frozen_and_not_finalised_early(city, october):
    board = publish_board(city.user("village_cadre"), city.regions["A1"], date(2026, 10, 1), now=NOV)
    with pytest.raises(Conflict, match="公示期"):
        finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=3))
    board = finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=7))
    snapshot = list(BoardLine.objects.filter(board=board).values_list("person_id", "honour_total", "rank"))
    apply_item(city.user("village_cadre"), city.people["resident"], items_code(board), key="late", at=OCT)
    with pytest.raises(Conflict):
        finalise_board(city.user("village_cadre"), board, now=NOV + timedelta(days=9))
    assert list(BoardLine.objects.filter(board=board).values_list("person_id", "honour_total", "rank")) == snapshot


def items_code(board):
    from jishi.points.models import PointItem

    return PointItem.objects.get(code="HY01")
