"""The double-entry ledger: the only code that writes postings, entries and balances.

``post()`` inserts one posting (idempotent on its key), locks the accounts it touches in id order
(``select_for_update``), changes each cached balance with a conditional ``F()`` update — a debit of a
non-negative account only happens ``WHERE balance >= amount`` — and writes the entries. A debit that
would overdraw raises ``Conflict`` and rolls the whole posting back.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.utils import timezone

from jishi.core.errors import Conflict, ValidationFailed
from jishi.org.models import Person, Region
from jishi.points.choices import NON_NEGATIVE, AccountKind
from jishi.points.models import Account, Entry, Merchant, Posting

SYSTEM_KINDS = (AccountKind.ISSUANCE, AccountKind.HONOUR_SOURCE, AccountKind.HOLD, AccountKind.FROZEN)


def person_account(person: Person, kind: str = AccountKind.REDEEMABLE, region: Region | None = None) -> Account:
    """The person's redeemable or honour account, opened on first use."""
    acc = Account.objects.filter(kind=kind, person=person).first()
    if acc is not None:
        return acc
    acc = Account(kind=kind, person=person, household_id=person.household_id)
    if person.village_id or region is None:
        acc.town_id, acc.village_id, acc.grid_id, acc.microgrid_id = (
            person.town_id, person.village_id, person.grid_id, person.microgrid_id)
    else:
        acc.place_in(region)
    try:
        with transaction.atomic():
            acc.save()
    except IntegrityError:  # opened concurrently
        acc = Account.objects.get(kind=kind, person=person)
    return acc


def system_account(kind: str, village_id: int | None) -> Account:
    """A village's issuance / honour-source / hold / freeze account (``village_id`` None: city level)."""
    acc = Account.objects.filter(kind=kind, village_id=village_id, person=None, merchant=None).first()
    if acc is not None:
        return acc
    acc = Account(kind=kind)
    if village_id:
        acc.place_in(Region.objects.get(pk=village_id))
    try:
        with transaction.atomic():
            acc.save()
    except IntegrityError:
        acc = Account.objects.get(kind=kind, village_id=village_id, person=None, merchant=None)
    return acc


def merchant_account(merchant: Merchant) -> Account:
    acc = Account.objects.filter(kind=AccountKind.MERCHANT, merchant=merchant).first()
    if acc is None:
        acc = Account(kind=AccountKind.MERCHANT, merchant=merchant)
        acc.place_in(merchant.region)
        try:
            with transaction.atomic():
                acc.save()
        except IntegrityError:
            acc = Account.objects.get(kind=AccountKind.MERCHANT, merchant=merchant)
    return acc


def lock_for_award(person: Person, village_id: int | None, region: Region | None = None) -> tuple[dict[str, Account], dict[int, int]]:
    """The person's redeemable and honour accounts and the village's issuance and honour-source accounts,
    found and locked (in id order) in one query. Returns ({kind: account}, {account id: balance})."""
    from django.db.models import Q

    kinds = (AccountKind.REDEEMABLE, AccountKind.HONOUR, AccountKind.ISSUANCE, AccountKind.HONOUR_SOURCE)
    q = (Q(person=person, kind__in=kinds[:2])
         | Q(person__isnull=True, merchant__isnull=True, village_id=village_id, kind__in=kinds[2:]))
    for _ in range(2):
        rows = list(Account.objects.select_for_update().filter(q).order_by("pk"))
        found = {a.kind: a for a in rows}
        if len(found) == 4:
            return found, {a.pk: a.balance for a in rows}
        for kind in kinds[:2]:  # first award: open the missing accounts, then lock again
            person_account(person, kind, region)
        for kind in kinds[2:]:
            system_account(kind, village_id)
    raise RuntimeError("could not open the points accounts")


def locked_balances(accounts: list[Account]) -> dict[int, int]:
    """Lock the accounts (in id order, so two postings never deadlock) and return their balances."""
    ids = sorted({a.pk for a in accounts})
    return dict(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", "balance"))


def post(
    *,
    key: str,
    kind: str,
    legs: list[tuple[Account, int]],
    reason: str,
    person: Person | None = None,
    points: int = 0,
    honour: int = 0,
    actor=None,
    approver=None,
    item=None,
    reverses: Posting | None = None,
    source: str = "",
    region: Region | None = None,
    at: datetime | None = None,
    locked: dict[int, int] | None = None,
    key_checked: bool = False,
) -> Posting:
    """Append one balanced posting. Returns the existing posting if ``key`` was used before
    (``posting.replayed`` is then True). ``locked``: the balances the caller read while locking the accounts
    (``locked_balances``) in this transaction; without it ``post`` locks them itself. ``key_checked``: the caller
    just looked the key up (a concurrent duplicate is still caught by the unique index)."""
    from jishi.points.access import clean

    key, reason = clean(key, 100), clean(reason, 200)
    if not key:
        raise ValidationFailed("积分记录缺少幂等键", field="key")
    if not reason:
        raise ValidationFailed("积分记录必须写明事由", field="reason")
    if sum(amount for _, amount in legs) != 0:
        raise ValidationFailed("分录借贷不平衡")
    # Joins the caller's transaction without a savepoint of its own (two round trips fewer per posting);
    # any error propagates and rolls the whole transaction back.
    with transaction.atomic(savepoint=False):
        return _post(key=key, kind=kind, legs=legs, reason=reason, person=person, points=points, honour=honour,
                     actor=actor, approver=approver, item=item, reverses=reverses, source=source, region=region,
                     at=at, locked=locked, key_checked=key_checked)


def _post(*, key, kind, legs, reason, person, points, honour, actor, approver, item, reverses, source, region, at,
          locked, key_checked) -> Posting:
    existing = None if key_checked else Posting.objects.filter(key=key).first()
    if existing is not None:
        existing.replayed = True
        return existing
    posting = Posting(key=key, kind=kind, at=at or timezone.now(), person=person, item=item, points=points,
                      honour=honour, reason=reason[:200], actor=_user(actor), approver=_user(approver),
                      reverses=reverses, source=source)
    place = region if region is not None else person
    if place is not None:
        posting.town_id, posting.village_id = place.town_id, place.village_id
        posting.grid_id, posting.microgrid_id = place.grid_id, place.microgrid_id
    try:
        with transaction.atomic():
            posting.save()
    except IntegrityError:
        if reverses is not None and Posting.objects.filter(reverses=reverses).exists():
            raise Conflict("该积分记录已冲正过", code="already_reversed")
        existing = Posting.objects.get(key=key)
        existing.replayed = True
        return existing
    net: dict[int, int] = defaultdict(int)
    by_id: dict[int, Account] = {}
    for account, amount in legs:
        net[account.pk] += amount
        by_id[account.pk] = account
    balances = locked if isinstance(locked, dict) else locked_balances(list(by_id.values()))
    changes = {pk: amt for pk, amt in sorted(net.items()) if amt}
    for pk, amount in changes.items():
        # The rows are locked (FOR UPDATE) and ``balances`` was read under that lock, so this check cannot race;
        # the database CHECK constraint is the second line of defence.
        if amount < 0 and by_id[pk].kind in NON_NEGATIVE and balances[pk] + amount < 0:
            raise Conflict("积分余额不足", code="insufficient_points", details={"account": pk, "amount": -amount})
    if changes:  # one statement: balance = balance + CASE id WHEN … END
        delta = Case(*[When(pk=pk, then=Value(amt)) for pk, amt in changes.items()], output_field=BigIntegerField())
        Account.objects.filter(pk__in=list(changes)).update(balance=F("balance") + delta)
    Entry.objects.bulk_create([Entry(posting=posting, account_id=a, amount=amt) for a, amt in changes.items()])
    posting.replayed = False
    return posting


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
