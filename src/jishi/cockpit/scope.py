"""Which region's cockpit an Actor may open: the command roles (``policy.COCKPIT_ROLES``), their own region by
default, any region they hold "command" on (``org.policy``: the city for the admin and the city commander,
the town for its commander, the village for its cadre).

``rollup_filter`` and ``case_filter`` narrow figures to a region already chosen: they filter, they do not
decide who may see it."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from jishi.core.errors import NotFound, PermissionDenied
from jishi.core.scope import holds
from jishi.org.choices import Level
from jishi.org.models import Region
from jishi.org.policy import COCKPIT_ROLES

COCKPIT_LEVELS = (Level.CITY, Level.TOWN, Level.VILLAGE, Level.GRID)


def may_open(actor) -> bool:
    """Whether the actor's roles have a cockpit at all."""
    return actor.has_any(COCKPIT_ROLES)


def home_region(actor) -> Region:
    """The region an actor's cockpit opens on: the city, else their (first) town, else village. One query."""
    rank = Case(*(When(level=lv, then=Value(i)) for i, lv in enumerate(COCKPIT_LEVELS)), output_field=IntegerField())
    region = (Region.objects.restrict(actor, "command").filter(level__in=COCKPIT_LEVELS)
              .order_by(rank, "pk").first())
    if region is None:
        raise PermissionDenied("您没有可查看的驾驶舱区域")
    return region


def region_for(actor, pk: int | None) -> Region:
    """Region ``pk`` if the actor holds "command" on it (the city only for city-wide roles)."""
    if pk is None:
        return home_region(actor)
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise NotFound("区域不存在")
    if region.level == Level.CITY:
        if not holds(actor, "command", region):
            raise PermissionDenied("您无权查看全市驾驶舱")
        return region
    if region.level not in COCKPIT_LEVELS or not holds(actor, "command", region):
        raise PermissionDenied("该区域不在您的数据范围内")
    return region


def rollup_filter(region: Region) -> dict:
    """Filter of DailyRollup rows inside ``region``."""
    return {} if region.level == Level.CITY else {region.level: region.pk}


def case_filter(region: Region, prefix: str = "") -> Q:
    """Filter of cases (or of rows with a ``case`` key, given ``prefix='case__'``) inside ``region``."""
    return Q() if region.level == Level.CITY else Q(**{f"{prefix}{region.level}_id": region.pk})
