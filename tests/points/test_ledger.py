"""The ledger: balanced postings, idempotency keys, no overdraft, reversal only, reconciliation."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.policy import actor_for_user
from jishi.points import ledger
from jishi.points.choices import AccountKind, PostingKind
from jishi.points.earning import apply_item, grant_base_points, reverse
from jishi.points.models import Account, Entry, Posting
from jishi.points.reconcile import reconcile


def balance(person, kind=AccountKind.REDEEMABLE) -> int:
    return ledger.person_account(person, kind).balance if Account.objects.filter(kind=kind, person=person).exists() else 0


def test_an_award_credits_redeemable_and_honour_from_the_village_issuance(city, items):
    resident = city.people["resident"]
    p = apply_item(city.user("village_cadre"), resident, items["HY01"], key="k1")
    assert p.points == 2 and p.honour == 2 and p.kind == PostingKind.EARN
    assert balance(resident) == 2 and balance(resident, AccountKind.HONOUR) == 2
    assert sum(Entry.objects.filter(posting=p).values_list("amount", flat=True)) == 0
    assert reconcile().ok


def test_the_same_idempotency_key_posts_once(city, items):
    resident, cadre = city.people["resident"], city.user("village_cadre")
    first = apply_item(cadre, resident, items["HY01"], key="meeting-2026-11")
    again = apply_item(cadre, resident, items["HY01"], key="meeting-2026-11")
    assert again.pk == first.pk and again.replayed
    assert balance(resident) == 2
    assert Posting.objects.filter(key="meeting-2026-11").count() == 1


def test_a_new_posting_comes_back_as_the_stored_row_it_is(city, items, django_assert_num_queries):
    """What ``post`` returns is a loaded row (its unique key is its own, not a duplicate) that still holds the
    person and item it was given."""
    p = apply_item(city.user("village_cadre"), city.people["resident"], items["HY01"], key="k-loaded")
    p.validate_unique()  # a row still marked as "being added" would collide with itself on its key
    assert p == Posting.objects.get(key="k-loaded") and not p.replayed
    with django_assert_num_queries(0):
        assert (p.person, p.item) == (city.people["resident"], items["HY01"])


def test_a_cadre_of_another_village_may_not_award(city, items):
    with pytest.raises(PermissionDenied):
        apply_item(city.user("grid_worker_b"), city.people["resident"], items["HY01"], key="x")
    assert not Posting.objects.exists()


def test_the_cap_per_period_is_enforced(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    for n in range(4):
        apply_item(cadre, resident, items["HY01"], key=f"m{n}")
    with pytest.raises(Conflict, match="上限"):
        apply_item(cadre, resident, items["HY01"], key="m5")
    assert balance(resident) == 8


def test_a_deduction_never_takes_redeemable_below_zero_but_honour_in_full(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    apply_item(cadre, resident, items["HY01"], key="plus")  # +2
    p = apply_item(cadre, resident, items["WJ01"], key="minus", reason="违法搭建彩钢棚")  # −50
    assert p.points == -2 and p.honour == -50 and p.reason == "违法搭建彩钢棚"
    assert balance(resident) == 0 and balance(resident, AccountKind.HONOUR) == -48
    assert reconcile().ok


def test_a_posting_is_corrected_only_by_a_reversal_once(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    p = apply_item(cadre, resident, items["HR01"], key="good")
    rev = reverse(cadre, p, "重复录入")
    assert rev.reverses_id == p.pk and rev.points == -10
    assert balance(resident) == 0 and balance(resident, AccountKind.HONOUR) == 0
    with pytest.raises(Conflict):
        reverse(cadre, p, "再冲一次")
    with pytest.raises(Conflict):
        reverse(cadre, rev, "冲正的冲正")
    assert reconcile().ok


def test_a_reversal_that_would_overdraw_is_refused_whole(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    p = apply_item(cadre, resident, items["HR01"], key="good")
    issuance = ledger.system_account(AccountKind.ISSUANCE, resident.village_id)
    hold = ledger.system_account(AccountKind.HOLD, resident.village_id)
    ledger.post(key="spend", kind=PostingKind.HOLD, legs=[(ledger.person_account(resident), -8), (hold, 8)],
                reason="兑换", person=resident, points=-8)
    with pytest.raises(Conflict, match="余额不足"):
        reverse(cadre, p, "错记")
    assert not Posting.objects.filter(reverses=p).exists()
    assert balance(resident) == 2 and issuance.balance is not None
    assert reconcile().ok


def test_an_unbalanced_posting_or_one_without_reason_is_refused(city):
    resident = city.people["resident"]
    acc = ledger.person_account(resident)
    with pytest.raises(ValidationFailed):
        ledger.post(key="bad", kind=PostingKind.EARN, legs=[(acc, 5)], reason="凭空加分")
    iss = ledger.system_account(AccountKind.ISSUANCE, resident.village_id)
    with pytest.raises(ValidationFailed):
        ledger.post(key="bad2", kind=PostingKind.EARN, legs=[(acc, 5), (iss, -5)], reason="")
    assert not Posting.objects.exists()


def test_base_points_follow_the_village_policy_once_a_year(city):
    from datetime import date

    from jishi.points.rules import adopt_policy

    cadre, village = city.user("village_cadre"), city.regions["A1"]
    adopt_policy(cadre, village, decision="A1村村民代表大会决议〔2026〕1号", decided_on=date(2026, 1, 5), base_points=300)
    n = grant_base_points(cadre, village, 2026)
    assert n == Account.objects.filter(kind=AccountKind.REDEEMABLE, village=village).count() > 0
    assert grant_base_points(cadre, village, 2026) == 0
    assert balance(city.people["resident"]) == 300
    assert reconcile().ok


def test_reconcile_command_passes_then_fails_on_a_corrupted_balance(city, items, capsys):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    apply_item(cadre, resident, items["HR01"], key="good")
    call_command("reconcile_points")
    assert "核对通过" in capsys.readouterr().out
    Account.objects.filter(kind=AccountKind.REDEEMABLE, person=resident).update(balance=999)
    with pytest.raises(CommandError):
        call_command("reconcile_points")
    assert "余额 999" in capsys.readouterr().err


def test_reconcile_fails_on_a_tampered_entry(city, items):
    apply_item(city.user("village_cadre"), city.people["resident"], items["HR01"], key="good")
    e = Entry.objects.filter(account__kind=AccountKind.ISSUANCE).first()
    Entry.objects.filter(pk=e.pk).update(amount=e.amount - 1)
    report = reconcile()
    assert not report.ok and any("不平衡" in p or "≠ 0" in p for p in report.problems)


def test_the_database_refuses_a_negative_redeemable_balance(city):
    from django.db import IntegrityError, transaction

    acc = ledger.person_account(city.people["resident"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=acc.pk).update(balance=-1)


def test_an_award_costs_a_fixed_small_number_of_queries(city, items):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cadre, resident = actor_for_user(city.user("village_cadre")), city.people["resident"]  # the request's Actor
    apply_item(cadre, resident, items["HR01"], key="warm")  # opens the accounts
    with CaptureQueriesContext(connection) as ctx:
        apply_item(cadre, resident, items["HR01"], key="measured")
    # policy chain, accounts FOR UPDATE, cap count + key look-up, the posting (on PostgreSQL with its balances
    # and entries in the same statement; SQLite: + one balance UPDATE + the entries), audit (+ the savepoint
    # and release of apply_item's own atomic inside the test transaction)
    from django.conf import settings

    assert len(ctx.captured_queries) <= (7 if settings.IS_POSTGRES else 9), [q["sql"][:80] for q in ctx.captured_queries]


def test_the_year_end_reset_only_where_the_policy_says_and_keeps_honour(city, items):
    from datetime import date

    from jishi.points.earning import reset_year
    from jishi.points.rules import adopt_policy

    cadre, resident, village = city.user("village_cadre"), city.people["resident"], city.regions["A1"]
    apply_item(cadre, resident, items["HR01"], key="good")
    with pytest.raises(Conflict):
        reset_year(cadre, village, 2026)
    adopt_policy(cadre, village, decision="村民代表会议：积分年度清零", decided_on=date(2026, 1, 2), yearly_reset=True)
    assert reset_year(cadre, village, 2026) == 1
    assert reset_year(cadre, village, 2026) == 0
    assert balance(resident) == 0 and balance(resident, AccountKind.HONOUR) == 10
    assert reconcile().ok
