"""The award path stays short and keeps its promises: a fixed, small set of statements per award, retries
return the first posting (also once the cap is reached, also for an otherwise refused posting), and on
PostgreSQL the same key or a capped item sent by many clients at once posts exactly what it should."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jishi.core.errors import Conflict
from jishi.core.models import AuditRecord
from jishi.org.policy import actor_for_user
from jishi.points import ledger
from jishi.points.choices import AccountKind, PostingKind
from jishi.points.earning import apply_item, reverse
from jishi.points.models import Account, Entry, Posting
from jishi.points.reconcile import reconcile
from tests.concurrency import at_once


def statements(ctx) -> list[str]:
    """The captured statements without transaction control (BEGIN [IMMEDIATE], COMMIT, savepoints)."""
    skip = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
    return [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0].upper() not in skip]


def test_an_award_inside_a_transaction_is_four_statements_on_postgresql(city, items):
    cadre, resident = actor_for_user(city.user("village_cadre")), city.people["resident"]  # the request's Actor
    apply_item(cadre, resident, items["KC01"], key="open")  # opens the accounts
    with CaptureQueriesContext(connection) as ctx:
        apply_item(cadre, resident, items["WJ01"], key="measured")  # no cap: no count, no key look-up
    sql = statements(ctx)
    # the four accounts FOR UPDATE (+ the policy stamp), the policy chain (inside a caller's transaction the
    # effective item is not remembered), the posting (+ balances + entries on PostgreSQL), the audit row
    assert len(sql) == (4 if settings.IS_POSTGRES else 6), sql
    assert sql[0].startswith("SELECT") and "points_account" in sql[0] and "points_policy" in sql[1]
    assert sql[-1].startswith("INSERT") and "core_auditrecord" in sql[-1]
    if settings.IS_POSTGRES:
        assert sql[2].startswith("WITH p AS (INSERT INTO \"points_posting\"")
    with CaptureQueriesContext(connection) as ctx:
        apply_item(cadre, resident, items["HY01"], key="capped")
    assert len(statements(ctx)) == len(sql) + 1  # the cap count, which also looks the key up
    assert reconcile().ok


def test_a_retry_returns_the_first_posting_and_writes_nothing(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    first = apply_item(cadre, resident, items["WJ01"], key="fine")
    assert not first.replayed
    before = (Entry.objects.count(), AuditRecord.objects.count(), list(Account.objects.values_list("pk", "balance")))
    again = apply_item(cadre, resident, items["WJ01"], key="fine")
    assert again.pk == first.pk and again.replayed and again.points == first.points
    assert (Entry.objects.count(), AuditRecord.objects.count(), list(Account.objects.values_list("pk", "balance"))) == before
    assert reconcile().ok


def test_the_retry_of_the_award_that_reached_the_cap_returns_that_award(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    last = [apply_item(cadre, resident, items["HY01"], key=f"m{n}") for n in range(4)][-1]  # cap: 4 a month
    with pytest.raises(Conflict, match="上限"):
        apply_item(cadre, resident, items["HY01"], key="m4")
    again = apply_item(cadre, resident, items["HY01"], key="m3")
    assert again.pk == last.pk and again.replayed
    assert ledger.person_account(resident).balance == 8


def test_a_retry_returns_the_posting_even_when_it_could_no_longer_be_made(city, items):
    resident = city.people["resident"]
    apply_item(city.user("village_cadre"), resident, items["HR01"], key="earn")  # 10 points
    acc = ledger.person_account(resident)
    hold = ledger.system_account(AccountKind.HOLD, resident.village_id)
    first = ledger.post(key="spend", kind=PostingKind.HOLD, legs=[(acc, -8), (hold, 8)], reason="兑换", person=resident)
    again = ledger.post(key="spend", kind=PostingKind.HOLD, legs=[(acc, -8), (hold, 8)], reason="兑换", person=resident)
    assert again.pk == first.pk and again.replayed  # 2 points left: a new posting would be refused
    with pytest.raises(Conflict) as refused, transaction.atomic():  # as a service would call it
        ledger.post(key="spend2", kind=PostingKind.HOLD, legs=[(acc, -8), (hold, 8)], reason="兑换", person=resident)
    assert refused.value.code == "insufficient_points"
    assert not Posting.objects.filter(key="spend2").exists()
    assert ledger.person_account(resident).balance == 2 and reconcile().ok


def test_a_second_reversal_under_another_key_is_refused_and_a_retry_of_the_first_is_not(city, items):
    cadre, resident = city.user("village_cadre"), city.people["resident"]
    p = apply_item(cadre, resident, items["HR01"], key="earn")
    rev = reverse(cadre, p, "录入错误", key="rev-1")
    legs = [(e.account, -e.amount) for e in p.entries.select_related("account")]
    with pytest.raises(Conflict) as twice, transaction.atomic():
        ledger.post(key="rev-2", kind=PostingKind.REVERSE, legs=legs, reason="再冲一次", person=resident, reverses=p)
    assert twice.value.code == "already_reversed"
    same = ledger.post(key="rev-1", kind=PostingKind.REVERSE, legs=legs, reason="重试", person=resident, reverses=p)
    assert same.pk == rev.pk and same.replayed
    assert ledger.person_account(resident).balance == 0 and reconcile().ok






@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises all writers")
def test_the_same_award_sent_by_many_clients_at_once_posts_once(city, items):
    cadre_id, resident = city.user("village_cadre").pk, city.people["resident"]
    apply_item(None, resident, items["KC01"], key="open")  # the accounts exist: the race is on the posting

    def award(t: int):
        from django.contrib.auth import get_user_model

        try:
            return apply_item(get_user_model().objects.get(pk=cadre_id), resident, items["HR01"], key="same")
        except Conflict as exc:  # a twin still in flight: nothing may have been posted twice
            return exc

    results, errors = at_once(8, award)
    assert not errors, errors
    postings = [r for r in results if isinstance(r, Posting)]
    assert len({p.pk for p in postings}) == 1 and sum(not p.replayed for p in postings) == 1
    assert Posting.objects.filter(key="same").count() == 1
    assert ledger.person_account(resident).balance == 10
    assert AuditRecord.objects.filter(action="points.earn").count() == 1
    assert reconcile().ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises all writers")
def test_many_clients_awarding_a_capped_item_at_once_never_pass_the_cap(city, items):
    cadre_id, resident = city.user("village_cadre").pk, city.people["resident"]

    def award(t: int):
        from django.contrib.auth import get_user_model

        try:
            return apply_item(get_user_model().objects.get(pk=cadre_id), resident, items["HY01"], key=f"meeting-{t}")
        except Conflict as exc:
            return exc

    results, errors = at_once(10, award)
    assert not errors, errors
    assert sum(isinstance(r, Posting) for r in results) == 4  # HY01: at most 4 a month
    assert all(r.code == "cap_reached" for r in results if isinstance(r, Conflict))
    assert ledger.person_account(resident).balance == 8 and reconcile().ok


def award_outside_transactions(city, item, key, actor=None):
    """As a request does it (with the Actor it built first): apply_item's own transaction is the outermost one."""
    return apply_item(actor or city.user("village_cadre"), city.people["resident"], item, key=key)


@pytest.mark.django_db(transaction=True)
def test_the_effective_item_is_read_once_then_only_its_policy_stamp(city, items):
    cadre = actor_for_user(city.user("village_cadre"))
    award_outside_transactions(city, items["KC01"], "first", cadre)
    with CaptureQueriesContext(connection) as ctx:
        award_outside_transactions(city, items["KC01"], "second", cadre)
    sql = statements(ctx)
    assert len(sql) == (3 if settings.IS_POSTGRES else 5), sql  # accounts + stamp, posting, audit
    assert not any(q.startswith('SELECT "points_policy"') for q in sql)


@pytest.mark.django_db(transaction=True)
def test_a_new_policy_takes_effect_on_the_very_next_award(city, items):
    from datetime import date

    from jishi.core.errors import ValidationFailed
    from jishi.points.rules import adopt_policy

    village, town = city.regions["A1"], city.regions["A"]
    assert award_outside_transactions(city, items["HY01"], "a").points == 2  # the template, now remembered
    assert award_outside_transactions(city, items["HY01"], "b").points == 2
    adopt_policy(None, town, decision="镇党委会议纪要", decided_on=date(2026, 1, 5), items={"HY01": {"points": 3}})
    assert award_outside_transactions(city, items["HY01"], "c").points == 3
    adopt_policy(None, village, decision="村民代表大会决议", decided_on=date(2026, 2, 1), items={"HY01": {"points": 6}})
    assert award_outside_transactions(city, items["HY01"], "d").points == 6
    adopt_policy(None, village, decision="村民代表大会决议（二）", decided_on=date(2026, 3, 1),
                 items={"HY01": {"enabled": False}})
    with pytest.raises(ValidationFailed, match="未采用"):
        award_outside_transactions(city, items["HY01"], "e")
    assert ledger.person_account(city.people["resident"]).balance == 2 + 2 + 3 + 6 and reconcile().ok


@pytest.mark.django_db(transaction=True)
def test_a_policy_rolled_back_with_its_transaction_is_never_remembered(city, items):
    from datetime import date

    from jishi.points.rules import adopt_policy

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        adopt_policy(None, city.regions["A1"], decision="草案", decided_on=date(2026, 2, 1), items={"HY01": {"points": 9}})
        assert award_outside_transactions(city, items["HY01"], "inside").points == 9
        raise Undo
    # SQLite hands the rolled-back ids out again: a stamp remembered inside would now match the new policy
    adopt_policy(None, city.regions["A1"], decision="决议", decided_on=date(2026, 2, 1), items={"HY01": {"points": 4}})
    assert award_outside_transactions(city, items["HY01"], "after").points == 4
    assert award_outside_transactions(city, items["HY01"], "again").points == 4
