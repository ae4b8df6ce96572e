"""The care fund: income, a rider's application, the town's review, payment; the balance never below zero (also
with concurrent payments on PostgreSQL); each change on the timeline with its audit record; out of scope: 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from jishi.bees import fund, riders
from jishi.bees.models import BeesEvent, Fund, FundEntry, Grant
from jishi.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from tests.bees.conftest import register
from tests.concurrency import at_once
from tests.factories import PASSWORD


def _apply(rider, amount="300", reason="accident"):
    return fund.apply(rider.user, reason=reason, story="送单途中摔伤，需要治疗", requested=amount)


@pytest.mark.django_db
def test_a_grant_from_application_to_payment(city, rider, fund_a):
    g = _apply(rider)
    assert g.state == "applied" and g.fund == fund_a and g.person == rider.person
    town = city.user("town_commander")
    g = fund.review(town, g, approve=True, amount="250", note="情况属实")
    assert g.state == "approved" and g.amount == Decimal("250.00")
    g = fund.pay(town, g)
    fund_a.refresh_from_db()
    assert g.state == "paid" and g.paid_at and fund_a.balance == Decimal("750.00")
    assert FundEntry.objects.get(grant=g).amount == Decimal("-250.00")
    assert fund.reconcile(fund_a)
    verbs = list(BeesEvent.objects.filter(fund=fund_a).values_list("verb", flat=True))
    assert verbs == ["income", "apply", "grant_approve", "pay"]
    assert AuditRecord.objects.filter(action="bees.grant.pay", object_id=str(g.pk)).exists()
    with pytest.raises(Conflict):
        fund.pay(town, g)  # paid once
    fund_a.refresh_from_db()
    assert fund_a.balance == Decimal("750.00")


@pytest.mark.django_db
def test_a_payment_the_balance_does_not_cover_is_refused_and_nothing_changes(city, rider, fund_a):
    town = city.user("town_commander")
    g = fund.review(town, _apply(rider, "1500"), approve=True)
    with pytest.raises(Conflict) as e:
        fund.pay(town, g)
    assert e.value.code == "insufficient_fund"
    g.refresh_from_db()
    fund_a.refresh_from_db()
    assert g.state == "approved" and fund_a.balance == Decimal("1000.00")
    assert not FundEntry.objects.filter(grant=g).exists() and not BeesEvent.objects.filter(grant=g, verb="pay").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "field"), [("0", "requested"), ("-5", "requested"), ("abc", "requested"),
                                               ("1.234", "requested"), ("2000000", "requested"), ("NaN", "requested")])
def test_bad_amounts_are_refused(rider, fund_a, amount, field):
    with pytest.raises(ValidationFailed) as e:
        _apply(rider, amount)
    assert e.value.field == field and not Grant.objects.exists()


@pytest.mark.django_db
def test_refusals_review_needs_a_reason_and_the_amount_cannot_exceed_the_request(city, rider, fund_a):
    town = city.user("town_commander")
    g = _apply(rider)
    with pytest.raises(ValidationFailed):
        fund.review(town, g, approve=False)
    with pytest.raises(ValidationFailed):
        fund.review(town, g, approve=True, amount="301")
    with pytest.raises(Conflict):
        fund.pay(town, g)  # not approved yet


@pytest.mark.django_db
def test_only_approved_riders_apply_and_only_the_town_reviews(city, courier, station, rider, fund_a):
    with pytest.raises(PermissionDenied):
        fund.apply(city.user("resident"), reason="illness", story="生病住院需要帮助", requested="100")
    g = _apply(rider)
    with pytest.raises(NotFound):  # another town: not found
        fund.review(city.user("town_commander_b"), g, approve=True)
    with pytest.raises(NotFound):
        fund.receive(city.user("town_commander_b"), fund_a, kind="donation", amount="10", source="x")
    with pytest.raises(ValidationFailed):  # a grant is not income
        fund.receive(city.user("town_commander"), fund_a, kind="grant", amount="10", source="x")
    g.refresh_from_db()
    assert g.state == "applied"


def _riders(city, station, n):
    out = []
    for i in range(n):
        u = get_user_model().objects.create_user(f"rider{i}", password=PASSWORD)
        r = register(u, station, name=f"骑手{i}", phone=f"139000001{i:02d}")
        out.append(riders.approve(city.user("town_commander"), r))
    return out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, no real race")
def test_concurrent_payments_never_take_the_fund_below_zero(city, station):
    f = Fund(name="A镇小蜜蜂关爱基金")
    f.place_in(city.regions["A"])
    f.save()
    town = city.user("town_commander")
    fund.receive(town, f, kind="allocation", amount="1000", source="财政划拨")
    grants = []
    for r in _riders(city, station, 6):
        g = fund.apply(r.user, reason="hardship", story="家庭生活困难，申请救助", requested="300")
        grants.append(fund.review(town, g, approve=True))
    results, errors = at_once(6, lambda i: fund.pay(town, Grant.objects.get(pk=grants[i].pk)))
    assert len(results) == 3 and len(errors) == 3, errors  # 3 × 300 ≤ 1000 < 4 × 300
    assert all(isinstance(e, Conflict) and e.code == "insufficient_fund" for e in errors)
    f.refresh_from_db()
    assert f.balance == Decimal("100.00") and fund.reconcile(f)
    assert Grant.objects.filter(state="paid").count() == 3 and Grant.objects.filter(state="approved").count() == 3
