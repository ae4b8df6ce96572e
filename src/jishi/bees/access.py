"""Who reaches what in the 小蜜蜂 domain (grants in ``jishi.org.policy``: ``view`` / ``manage`` by region).

* stations, riders, grants: ``restrict(actor, "view")`` — the region's staff; a rider reaches their own
  registration and grants (their person / account), a station manager their station;
* approving a registration: ``holds(actor, "manage", rider)`` (the village cadres, town and city commanders of
  the station's place) or the station's own manager (``Station.manager``);
* the fund and grant reviews: ``holds(actor, "manage", fund)`` — the town (and the city).
Out of scope is "not found" (no existence oracle).
"""

from __future__ import annotations

from jishi.bees.models import Fund, Grant, Rider, Station
from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.org.policy import as_actor, may_see_personal_data
from jishi.org.privacy import mask_phone


def row_id(pk) -> int:
    """A row id (1 … 2⁶³−1), else the "not found" of an unknown row (no query: it could not name a row)."""
    try:
        n = int(pk)
    except (TypeError, ValueError):
        n = 0
    if not 0 < n < 2**63:
        raise NotFound("不存在或不在您的范围内")
    return n


def stations(actor):
    return Station.objects.restrict(as_actor(actor), "view")


def station_for(actor, pk) -> Station:
    actor = as_actor(actor)
    s = Station.objects.select_related("venue", "manager", "town", "village").filter(pk=row_id(pk)).first()
    if s is None or not (holds(actor, "view", s) or is_member(actor, s)):
        raise NotFound("驿站不存在或不在您的范围内")
    return s


def is_member(actor, station: Station) -> bool:
    actor = as_actor(actor)
    return bool(actor.person_id) and Rider.objects.filter(station=station, person_id=actor.person_id,
                                                           state="approved").exists()


def riders(actor):
    return Rider.objects.restrict(as_actor(actor), "view")


def rider_for(actor, pk) -> Rider:
    r = Rider.objects.select_related("station", "person").filter(pk=row_id(pk)).first()
    if r is None or not holds(as_actor(actor), "view", r):
        raise NotFound("登记不存在或不在您的范围内")
    return r


def may_approve(actor, rider: Rider) -> bool:
    actor = as_actor(actor)
    if holds(actor, "manage", rider):
        return True
    return bool(actor.person_id) and rider.station.manager_id == actor.person_id


def approvable(actor):
    """Registrations ``actor`` may decide: in their managed regions, or at the stations they run."""
    from django.db.models import Q

    actor = as_actor(actor)
    managed = Rider.objects.restrict(actor, "manage")
    if actor.person_id:
        return Rider.objects.filter(Q(pk__in=managed.values("pk")) | Q(station__manager_id=actor.person_id))
    return managed


def is_staff(actor) -> bool:
    """Region staff, and station managers with registrations to decide: the staff pages."""
    from jishi.org.policy import REGION_STAFF_ROLES

    actor = as_actor(actor)
    return actor.has_any(REGION_STAFF_ROLES) or approvable(actor).exists()


def funds(actor, action: str = "view"):
    return Fund.objects.restrict(as_actor(actor), action)


def fund_for(actor, pk, action: str = "view") -> Fund:
    f = Fund.objects.filter(pk=row_id(pk)).first()
    if f is None or not holds(as_actor(actor), action, f):
        raise NotFound("基金不存在或不在您的范围内")
    return f


def grants(actor):
    return Grant.objects.restrict(as_actor(actor), "view")


def grant_for(actor, pk) -> Grant:
    g = Grant.objects.select_related("fund", "rider", "rider__station").filter(pk=row_id(pk)).first()
    if g is None or not holds(as_actor(actor), "view", g):
        raise NotFound("救助申请不存在或不在您的范围内")
    return g


def phone_as_seen(actor, rider: Rider) -> str:
    """The phone in full to the rider themselves and to the roles that need personal data; masked otherwise."""
    actor = as_actor(actor)
    own = bool(actor.person_id and actor.person_id == rider.person_id) or bool(actor.user_id and actor.user_id == rider.user_id)
    return rider.phone if own or may_see_personal_data(actor) else mask_phone(rider.phone)
