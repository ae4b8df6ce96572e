"""Overdue visits of the special groups: a daily sweep finds each household past its visit-frequency date and
writes one ``overdue`` row on the visits timeline (marking the membership, so one reminder per due date); the
``visits.reminders`` consumer of the timeline tells the household's visitors in the current rounds (inbox).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from jishi.notify.services import notify
from jishi.visits.models import CareMembership, VisitAssignment, VisitEvent, VisitLog
from jishi.visits.timeline import emit, writer


@writer
def sweep(today: date | None = None, limit: int = 5000) -> int:
    """Write an ``overdue`` timeline row for each special-group household past due and not yet reminded of
    that due date. Returns the rows written."""
    today = today or timezone.localdate()
    members = list(CareMembership.objects.filter(is_active=True).order_by("pk")[:200_000])
    last = dict(VisitLog.objects.filter(household_id__in=[m.household_id for m in members])
                .values_list("household_id").annotate(m=Max("visited_at")).order_by())
    made = 0
    now = timezone.now()
    for m in members:
        seen = last.get(m.household_id)
        due_on = timezone.localtime(seen).date() + timedelta(days=m.every_days) if seen else m.created_at.date()
        if due_on >= today or m.reminded_due_on == due_on:
            continue
        if CareMembership.objects.filter(pk=m.pk).exclude(reminded_due_on=due_on).update(reminded_due_on=due_on):
            emit("overdue", at=now, microgrid_id=m.microgrid_id,
                 data={"membership": m.pk, "household": m.household_id, "group": m.group, "due_on": str(due_on),
                       "days": (today - due_on).days})
            made += 1
            if made >= limit:
                break
    return made


def apply(rows: list[VisitEvent]) -> None:
    today = timezone.localdate()
    User = get_user_model()
    for row in rows:
        if row.verb != "overdue":
            continue
        hh = row.data["household"]
        visitors = (VisitAssignment.objects.filter(household_id=hh, round__starts_on__lte=today, round__ends_on__gte=today)
                    .values_list("visitor__user_id", flat=True))
        users = list(User.objects.filter(pk__in=[u for u in visitors if u], is_active=True))
        m = CareMembership.objects.filter(pk=row.data["membership"]).select_related("household").first()
        if m is None or not users:
            continue
        notify(users, kind="visit_overdue", level="yellow", obj=m,
               title=f"重点人群走访超期：{m.household.address}",
               body=f"{m.get_group_display()}，应于 {row.data['due_on']} 前走访，已超期 {row.data['days']} 天",
               url=f"/visits/log/{hh}/")


def register() -> None:
    from jishi.core import consumers

    consumers.register("visits.reminders", VisitEvent, apply, label="重点人群走访超期提醒")
