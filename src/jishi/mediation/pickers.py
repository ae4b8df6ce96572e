"""What the forms offer: the regions, studios and mediators an actor may choose; the list filters."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from jishi.cases.models import Category
from jishi.mediation.choices import OPEN_STATES
from jishi.mediation.models import Dispute, DisputeMediator, Mediator
from jishi.org.choices import Role, VenueKind
from jishi.org.models import Person, Region, StaffAssignment, Venue
from jishi.org.policy import MEDIATION_LEVEL, as_actor


def regions(actor) -> QuerySet:
    """Towns and villages where the actor may register disputes or hold meetings."""
    return Region.objects.restrict(as_actor(actor), "mediate").filter(level__in=("town", "village")).order_by("path")


def towns_of(actor) -> set[int] | None:
    scope = as_actor(actor).scope("mediate")
    if scope.everything:
        return None
    towns = set(scope.town) | set(Region.objects.filter(pk__in=scope.village).values_list("town_id", flat=True))
    return towns


def studios(actor) -> QuerySet:
    """The studios of the actor's towns (a brand studio serves its whole town), the city's for the city."""
    qs = Venue.objects.filter(kind=VenueKind.MEDIATION_STUDIO).select_related("town").order_by("town__path", "name")
    towns = towns_of(actor)
    return qs if towns is None else qs.filter(town_id__in=towns)


def mediators(actor, limit: int = 300) -> QuerySet:
    """People who mediate in the actor's towns: the roster (人民调解员名册), the cadres and commanders, and whoever
    mediated there before."""
    actor = as_actor(actor)
    towns = towns_of(actor)
    roster = Mediator.objects.filter(is_active=True)
    posts = StaffAssignment.objects.filter(is_active=True, role__in=list(MEDIATION_LEVEL) + [Role.GRID_LEADER])
    before = DisputeMediator.objects.all()
    if towns is not None:
        roster = roster.filter(town_id__in=towns)
        posts = posts.filter(Q(town_id__in=towns) | Q(region__town_id__in=towns))
        before = before.filter(dispute__town_id__in=towns)
    return (Person.objects.filter(Q(pk__in=roster.values("person_id")) | Q(pk__in=posts.values("person_id"))
                                  | Q(pk__in=before.values("person_id")))
            .order_by("name", "id")[:limit])


def case_categories() -> QuerySet:
    return Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent").order_by("code")


def filtered(qs: QuerySet, params) -> QuerySet:
    """The list's filters: state (or "open"/"overdue"), level, kind, studio, text."""
    state = params.get("state") or ""
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    elif state:
        qs = qs.filter(state=state)
    for key in ("level", "kind"):
        if params.get(key):
            qs = qs.filter(**{key: params[key]})
    studio = str(params.get("studio") or "")
    if studio.isdigit():
        qs = qs.filter(studio_id=int(studio))
    text = (params.get("q") or "").strip()[:50]
    if text:
        qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text) | Q(parties__name=text)).distinct()
    return qs


def year_start(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today.replace(month=1, day=1)


__all__ = ["Dispute", "case_categories", "filtered", "mediators", "regions", "studios", "year_start"]
