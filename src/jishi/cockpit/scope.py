"""Which region's cockpit a user may open: their own by default, any region in their data scope."""

from __future__ import annotations

from django.db.models import Q

from jishi.core.errors import NotFound, PermissionDenied
from jishi.org.choices import Level
from jishi.org.models import Region
from jishi.org.scope import scope_for, visible


def home_region(user) -> Region:
    """The region a user's cockpit opens on: the city, else their (first) town, else village."""
    scope = scope_for(user)
    if scope.everything:
        region = Region.objects.filter(level=Level.CITY).order_by("pk").first()
        if region:
            return region
    for dim in ("town", "village", "grid"):
        ids = getattr(scope, dim)
        if ids:
            return Region.objects.get(pk=min(ids))
    raise PermissionDenied("您没有可查看的驾驶舱区域")


def region_for(user, pk: int | None) -> Region:
    """Region ``pk`` if it is in ``user``'s scope (the city only for city-wide roles)."""
    if pk is None:
        return home_region(user)
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise NotFound("区域不存在")
    if region.level == Level.CITY:
        if not scope_for(user).everything:
            raise PermissionDenied("您无权查看全市驾驶舱")
        return region
    if region.level not in (Level.TOWN, Level.VILLAGE, Level.GRID) or not visible(
            Region.objects.filter(pk=pk), user).exists():
        raise PermissionDenied("该区域不在您的数据范围内")
    return region


def rollup_filter(region: Region) -> dict:
    """Filter of DailyRollup rows inside ``region``."""
    return {} if region.level == Level.CITY else {region.level: region.pk}


def case_filter(region: Region, prefix: str = "") -> Q:
    """Filter of cases (or of rows with a ``case`` key, given ``prefix='case__'``) inside ``region``."""
    return Q() if region.level == Level.CITY else Q(**{f"{prefix}{region.level}_id": region.pk})
