"""The double-entry ledger: the only code that writes postings, entries and balances.

``post()`` locks the accounts it touches in id order (``select_for_update``), checks every debit of a
non-negative account against the balance read under that lock (a debit that would overdraw raises
``Conflict`` and rolls the whole posting back; the CHECK constraint is the second line of defence), inserts
the posting with ``ON CONFLICT DO NOTHING`` (a taken key returns the existing posting, ``replayed=True``),
and changes the cached balances by ``balance = balance + delta`` in one statement, with the entries. On
PostgreSQL the posting, the balances and the entries are one statement (one round trip).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import IntegrityError, connections, router, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone

from jishi.core.errors import Conflict, ValidationFailed
from jishi.org.models import Person, Region
from jishi.points.choices import NON_NEGATIVE, PROGRAMME_KINDS, AccountKind, Programme
from jishi.points.models import Account, Entry, Merchant, Policy, PolicyItem, Posting

SYSTEM_KINDS = (AccountKind.ISSUANCE, AccountKind.HONOUR_SOURCE, AccountKind.HOLD, AccountKind.FROZEN)
_DB = router.db_for_write(Posting)


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
    """The merchant's takings, in the kind of the merchant's programme (村民积分 or 公益积分)."""
    kind = PROGRAMME_KINDS[merchant.programme].merchant
    acc = Account.objects.filter(kind=kind, merchant=merchant).first()
    if acc is None:
        acc = Account(kind=kind, merchant=merchant)
        acc.place_in(merchant.region)
        try:
            with transaction.atomic():
                acc.save()
        except IntegrityError:
            acc = Account.objects.get(kind=kind, merchant=merchant)
    return acc


def lock_for_award(person: Person, village_id: int | None, region: Region | None = None, *,
                   policy_of: tuple[int | None, int | None, int] | None = None, programme: str = Programme.VILLAGE,
                   ) -> tuple[dict[str, Account], dict[int, int], str | None]:
    """The person's redeemable and honour accounts and the village's issuance and honour-source accounts,
    found and locked (in id order) in one query. Returns ({kind: account}, {account id: balance}, stamp).

    ``policy_of`` = (village id, town id, item id): the same statement also reads a stamp of the policies that
    decide the item's effective values there (count and newest id of the two regions' policies and of their
    rows for the item; policies are append-only, so any new version changes it). ``stamp`` is None without it.
    ``programme`` 公益积分: the person's welfare account and the village's welfare source (no honour)."""
    if programme == Programme.VILLAGE:
        kinds = (AccountKind.REDEEMABLE, AccountKind.HONOUR, AccountKind.ISSUANCE, AccountKind.HONOUR_SOURCE)
    else:
        kinds = (AccountKind.WELFARE, AccountKind.WELFARE, AccountKind.WELFARE_SOURCE, AccountKind.WELFARE_SOURCE)
    wanted = len(set(kinds))
    # Hand-written (the ORM spent more time building this query than the database spent running it); the
    # same rows as Q(person=person, kind__in=kinds[:2]) | Q(person=None, merchant=None, village_id=village_id,
    # kind__in=kinds[2:]), locked in id order.
    village = "village_id = %s" if village_id is not None else "village_id IS NULL AND %s IS NULL"
    lock = " FOR UPDATE" if connections[_DB].features.has_select_for_update else ""
    stamp, stamp_params = "NULL", ()
    if policy_of is not None:
        policy, policy_item = Policy._meta.db_table, PolicyItem._meta.db_table
        chain = f'SELECT id FROM "{policy}" WHERE region_id IN (%s, %s)'
        stamp = (f"(SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(COALESCE(MAX(id), 0) AS TEXT) FROM ({chain}) c)"
                 f" || '/' || (SELECT CAST(COUNT(*) AS TEXT) || ':' || CAST(COALESCE(MAX(id), 0) AS TEXT)"
                 f' FROM "{policy_item}" WHERE item_id = %s AND policy_id IN ({chain}))')
        v, t, item_id = policy_of
        stamp_params = (v, t, item_id, v, t)
    sql = (f'SELECT *, {stamp} AS policy_stamp FROM "{Account._meta.db_table}" WHERE (person_id = %s AND kind IN (%s, %s))'
           f" OR (person_id IS NULL AND merchant_id IS NULL AND {village} AND kind IN (%s, %s)) ORDER BY id{lock}")
    params = (*stamp_params, person.pk, *kinds[:2], village_id, *kinds[2:])
    for _ in range(2):
        rows = list(Account.objects.raw(sql, params))
        found = {a.kind: a for a in rows}
        if len(found) == wanted:
            return found, {a.pk: a.balance for a in rows}, rows[0].policy_stamp
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
) -> Posting:
    """Append one balanced posting. Returns the existing posting if ``key`` was used before
    (``posting.replayed`` is then True). ``locked``: the balances the caller read while locking the accounts
    (``locked_balances``) in this transaction; without it ``post`` locks them itself. The key is never looked
    up before the insert: the insert itself detects a taken key, also one taken concurrently."""
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
                     at=at, locked=locked)


def _post(*, key, kind, legs, reason, person, points, honour, actor, approver, item, reverses, source, region, at,
          locked) -> Posting:
    posting = Posting(key=key, kind=kind, at=at or timezone.now(), person=person, item=item, points=points,
                      honour=honour, reason=reason[:200], actor=_user(actor), approver=_user(approver),
                      reverses=reverses, source=source)
    place = region if region is not None else person
    if place is not None:
        posting.town_id, posting.village_id = place.town_id, place.village_id
        posting.grid_id, posting.microgrid_id = place.grid_id, place.microgrid_id
    net: dict[int, int] = defaultdict(int)
    by_id: dict[int, Account] = {}
    for account, amount in legs:
        net[account.pk] += amount
        by_id[account.pk] = account
    balances = locked if isinstance(locked, dict) else locked_balances(list(by_id.values()))
    changes = {pk: amt for pk, amt in sorted(net.items()) if amt}
    # The rows are locked (FOR UPDATE) and ``balances`` was read under that lock, so this check cannot race;
    # the database CHECK constraint is the second line of defence.
    short = next(((pk, amt) for pk, amt in changes.items()
                  if amt < 0 and by_id[pk].kind in NON_NEGATIVE and balances[pk] + amt < 0), None)
    if short is None and connections[_DB].vendor == "postgresql":
        new_id = _write_all(posting, changes)  # posting, balances and entries in one statement
    else:
        new_id = _insert_new(posting)
    if new_id is None:  # the key (or the reversed posting) is taken: a retry, or a concurrent twin
        existing = Posting.objects.filter(key=key).first()
        if existing is None and reverses is not None:
            raise Conflict("该积分记录已冲正过", code="already_reversed")
        if existing is None:
            raise IntegrityError(f"points posting {key!r} was neither inserted nor found")
        existing.replayed = True
        return existing
    posting = _loaded(posting, new_id)
    if short is not None:
        raise Conflict("积分余额不足", code="insufficient_points", details={"account": short[0], "amount": -short[1]})
    if changes and connections[_DB].vendor != "postgresql":  # one statement: balance = balance + CASE id WHEN … END
        delta = Case(*[When(pk=pk, then=Value(amt)) for pk, amt in changes.items()], output_field=BigIntegerField())
        Account.objects.filter(pk__in=list(changes)).update(balance=F("balance") + delta)
        Entry.objects.bulk_create([Entry(posting=posting, account_id=a, amount=amt) for a, amt in changes.items()])
    posting.replayed = False
    return posting


_POSTING_FIELDS = [f for f in Posting._meta.concrete_fields if not f.primary_key]


def _insert_sql(posting: Posting) -> tuple[str, tuple]:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` for ``posting`` (SQLite: ``INSERT OR IGNORE …``)."""
    query = InsertQuery(Posting, on_conflict=OnConflict.IGNORE)
    query.insert_values(_POSTING_FIELDS, [posting])
    compiler = query.get_compiler(using=_DB)
    compiler.returning_fields = [Posting._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, params


_KEPT_RELATIONS = ("person", "item", "actor", "approver", "reverses")  # the objects ``post`` was given


def _loaded(posting: Posting, pk: int) -> Posting:
    """``posting`` as the row now stored under ``pk``: a loaded instance (``Model.from_db``) with the related
    objects the caller passed in (no query to read them again)."""
    fields = Posting._meta.concrete_fields
    saved = Posting.from_db(_DB, [f.attname for f in fields],
                            [pk if f.primary_key else getattr(posting, f.attname) for f in fields])
    for name in _KEPT_RELATIONS:
        related = getattr(posting, name)
        if related is not None:
            setattr(saved, name, related)
    return saved


def _insert_new(posting: Posting) -> int | None:
    """Insert ``posting`` unless its key (or the posting it reverses) is already taken, in one statement.
    A conflict does not abort the transaction, so no savepoint is needed. The new row's id, None if not inserted."""
    sql, params = _insert_sql(posting)
    with connections[_DB].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _write_all(posting: Posting, changes: dict[int, int]) -> int | None:
    """PostgreSQL: insert the posting, change the cached balances and insert the entries in one statement
    (one round trip). If the key is taken, the posting's INSERT returns no row and neither the balances nor
    the entries change. The accounts are already locked by the caller; the CHECK constraint still applies."""
    insert, params = _insert_sql(posting)
    ids, amounts = list(changes), list(changes.values())
    account, entry = Account._meta.db_table, Entry._meta.db_table
    sql = (f'WITH p AS ({insert}), '
           f'd AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS d(account_id, amount)), '
           f'u AS (UPDATE "{account}" a SET balance = a.balance + d.amount FROM d, p WHERE a.id = d.account_id), '
           f'e AS (INSERT INTO "{entry}" (posting_id, account_id, amount) SELECT p.id, d.account_id, d.amount FROM p, d) '
           f'SELECT id FROM p')
    with connections[_DB].cursor() as cursor:
        cursor.execute(sql, (*params, ids, amounts))
        row = cursor.fetchone()
    return row[0] if row else None


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
