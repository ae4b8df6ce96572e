"""Read side of the points pages and API: a person's balance and rank, review queues, town comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from jishi.org.models import Person, Region
from jishi.org.policy import as_actor
from jishi.points.choices import AccountKind, ClaimStatus, ObjectionStatus, OrderStatus, PostingKind
from jishi.points.models import Account, Claim, Objection, Order, Posting


@dataclass
class Standing:
    redeemable: int
    honour: int
    rank: int | None
    ranked: int


def standing(person: Person) -> Standing:
    """The person's balances and honour rank among the village's accounts (one indexed count query)."""
    rows = dict(Account.objects.filter(person=person).values_list("kind", "balance"))
    honour = rows.get(AccountKind.HONOUR, 0)
    rank, ranked = None, 0
    if person.village_id:
        village = Account.objects.filter(kind=AccountKind.HONOUR, village_id=person.village_id)
        ranked = village.count()
        if AccountKind.HONOUR in rows:
            rank = village.filter(balance__gt=honour).count() + 1
    return Standing(rows.get(AccountKind.REDEEMABLE, 0), honour, rank, ranked)


def history(person: Person, limit: int = 100):
    return Posting.objects.filter(person=person).select_related("item").order_by("-at", "-id")[:limit]


def review_queue(actor):
    """The open claims ``actor`` sees, without their own (reviewing them takes "manage": ``claims.review_claim``)."""
    actor = as_actor(actor)
    qs = Claim.objects.restrict(actor, "view").filter(status__in=[ClaimStatus.PENDING, ClaimStatus.FIRST_APPROVED])
    if actor.person_id:
        qs = qs.exclude(person_id=actor.person_id)
    return qs.select_related("person", "item", "village").order_by("created_at")


def open_objections(actor):
    """The open objections of the villages ``actor`` manages."""
    return (Objection.objects.restrict(as_actor(actor), "manage").filter(status=ObjectionStatus.OPEN)
            .select_related("posting", "posting__person", "board", "raised_by"))


def managed_villages(actor):
    """The villages whose points ``actor`` runs (village cadre: theirs; town: its villages; city: all)."""
    from jishi.org.choices import Level

    return Region.objects.restrict(as_actor(actor), "manage").filter(level=Level.VILLAGE).order_by("path")


def village_comparison(villages) -> list[dict]:
    """Per village: points issued, redeemed (settled at shops), redemption rate, people with accounts."""
    ids = [v.pk for v in villages]
    postings = Posting.objects.filter(village_id__in=ids, kind__in=[PostingKind.BASE, PostingKind.EARN])
    orders = Order.objects.filter(village_id__in=ids, status=OrderStatus.CONFIRMED)
    issued = dict(postings.values("village").annotate(s=Sum("points")).values_list("village", "s"))
    redeemed = dict(orders.values("village").annotate(s=Sum("points")).values_list("village", "s"))
    people = dict(Account.objects.filter(village_id__in=ids, kind=AccountKind.REDEEMABLE)
                  .values("village").annotate(n=Count("id")).values_list("village", "n"))
    out = []
    for v in villages:
        i, r = issued.get(v.pk) or 0, redeemed.get(v.pk) or 0
        out.append({"village": v, "issued": i, "redeemed": r, "rate": (r / i * 100) if i else 0.0,
                    "people": people.get(v.pk, 0)})
    return out


def totals(where: Q, since: datetime | None = None, until: datetime | None = None) -> dict[str, int]:
    """Points issued (base and earned postings) and redeemed (orders settled at shops) of the rows matching
    ``where`` (a filter on the location columns, e.g. ``Q(town_id=…)``; ``Q()`` for the city) — all time, or
    from ``since`` up to (not including) ``until``. Two sums, no per-village grouping (the cockpit's figure)."""
    postings = Posting.objects.filter(where, kind__in=[PostingKind.BASE, PostingKind.EARN])
    orders = Order.objects.filter(where, status=OrderStatus.CONFIRMED)
    if since is not None and until is not None:
        postings = postings.filter(at__gte=since, at__lt=until)
        orders = orders.filter(confirmed_at__gte=since, confirmed_at__lt=until)
    return {"issued": postings.aggregate(s=Sum("points"))["s"] or 0,
            "redeemed": orders.aggregate(s=Sum("points"))["s"] or 0}
