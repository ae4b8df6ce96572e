"""Consumers of the engagement timeline (``jishi.core.consumers``).

``engage.points``: a wish confirmed by its wisher (``wish_thank`` row) earns its fulfiller the village's points
for the item ``WX01`` (认领并完成微心愿) through the points ledger, idempotency key ``wish-fulfil:<id>``, in the
consumer's transaction with its cursor move: exactly once. A village whose policy does not adopt the item (or
a fulfiller without a person record, e.g. a unit) is a decision, recorded as ``engage.points_skipped``.

``engage.notices``: the wisher is told when their wish is claimed and fulfilled; the claimant when thanked
(``notify``).
"""

from __future__ import annotations

import logging

from django.db import transaction

from jishi.core import audit
from jishi.core.errors import ServiceError

log = logging.getLogger(__name__)
KEY = "wish-fulfil:{}"
ITEM = ("WX01", "认领并完成微心愿", 10)
SKIPPED = "engage.points_skipped"


def wish_item():
    """The points item of a fulfilled wish (created once beside the city template; villages adopt or adjust it
    through their points policy like any other item)."""
    from jishi.points.choices import Awarder, CapPeriod, ItemKind
    from jishi.points.models import PointItem

    code, name, points = ITEM
    item, _ = PointItem.objects.get_or_create(code=code, defaults={
        "name": name, "kind": ItemKind.POSITIVE, "points": points, "cap_count": 0, "cap_period": CapPeriod.NONE,
        "evidence_required": False, "awarder": Awarder.SYSTEM, "sort": 90})
    return item


def apply_points(rows) -> None:
    from jishi.engage.models import Wish
    from jishi.org.models import Region
    from jishi.points.earning import apply_item

    ids = [r.wish_id for r in rows if r.verb == "wish_thank" and r.wish_id]
    if not ids:
        return
    item = wish_item()
    for wish in Wish.objects.filter(pk__in=ids).select_related("claimant").order_by("pk"):
        try:
            if wish.claimant is None:
                raise ServiceError("认领人没有个人账户（如单位认领），不发放个人积分")
            with transaction.atomic():
                apply_item(None, wish.claimant, item, key=KEY.format(wish.pk),
                           reason=f"认领并完成微心愿（{wish.number}）"[:200], source=f"wish:{wish.pk}",
                           region=Region.objects.filter(pk=wish.village_id).first(), check_permission=False)
        except ServiceError as exc:
            audit.record(None, SKIPPED, wish, summary=f"{wish.number} 心愿积分未发放：{exc.message}"[:300],
                         data={"reason": exc.message[:200]})


def check_points(position: int) -> list[str]:
    """Thanked wishes up to ``position`` with neither their award nor a recorded refusal."""
    from jishi.core.models import AuditRecord
    from jishi.engage.models import EngageEvent
    from jishi.points.models import Posting

    wishes = set(EngageEvent.objects.filter(pk__lte=position, verb="wish_thank").values_list("wish_id", flat=True))
    if not wishes:
        return []
    awarded = {int(k.split(":")[1]) for k in Posting.objects.filter(key__in=[KEY.format(w) for w in wishes])
               .values_list("key", flat=True)}
    refused = {int(o) for o in AuditRecord.objects.filter(action=SKIPPED, object_type="engage.wish",
                                                          object_id__in=[str(w) for w in wishes])
               .values_list("object_id", flat=True)}
    return [f"微心愿 #{w} 已确认但未发放认领人积分 / thanked wish without its award"
            for w in sorted(wishes - awarded - refused)[:50]]


NOTICES = {"wish_claim": ("wisher", "您的心愿“{title}”已被认领"),
           "wish_fulfil": ("wisher", "您的心愿“{title}”已完成，请确认"),
           "wish_thank": ("claimant", "您认领的心愿“{title}”已被确认，谢谢您")}


def apply_notices(rows) -> None:
    from jishi.engage.models import Wish
    from jishi.notify.services import notify

    wanted = {r.wish_id: r for r in rows if r.verb in NOTICES and r.wish_id}
    if not wanted:
        return
    wishes = {w.pk: w for w in Wish.objects.filter(pk__in=list(wanted)).select_related("wisher", "claimant")}
    for wish_id, row in wanted.items():
        w = wishes.get(wish_id)
        if w is None:
            continue
        who, text = NOTICES[row.verb]
        person = w.wisher if who == "wisher" else w.claimant
        user = getattr(person, "user", None) if person else None
        if user is None:
            continue
        notify([user], kind="engage", title=text.format(title=w.title), url=f"/engage/wishes/{w.pk}/", obj=w)


def register() -> None:
    from jishi.core import consumers
    from jishi.engage.models import EngageEvent

    consumers.register("engage.points", EngageEvent, apply_points, label="微心愿积分", check=check_points)
    consumers.register("engage.notices", EngageEvent, apply_notices, label="微心愿通知")
