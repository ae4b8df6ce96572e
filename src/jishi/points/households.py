"""A household's points (户积分): its members with their redeemable and honour balances and the household
totals. Seen by the household's own members and by those who run points for its village (cadre, town, city)."""

from __future__ import annotations

from dataclasses import dataclass

from jishi.core.errors import PermissionDenied
from jishi.core.scope import holds
from jishi.org.models import Household, Person
from jishi.org.policy import as_actor, may_see_personal_data
from jishi.org.privacy import mask_address
from jishi.points.choices import AccountKind
from jishi.points.models import Account


@dataclass
class MemberBalance:
    person: Person
    redeemable: int
    honour: int


@dataclass
class HouseholdPoints:
    household: Household
    members: list[MemberBalance]
    redeemable: int
    honour: int


def can_see(actor, household: Household) -> bool:
    """A member of the household (their own records: "view"), or a manager of its village's points ("manage")."""
    actor = as_actor(actor)
    if actor.person_id and Person.objects.filter(pk=actor.person_id, household_id=household.pk).exists():
        return True
    return actor.user is not None and holds(actor, "manage", household)


def household_points(actor, household: Household) -> HouseholdPoints:
    """Members (head first) with balances, and the household totals. Two queries."""
    if not can_see(actor, household):
        raise PermissionDenied("只能查看本户或本村(镇)管辖的户积分")
    members = list(Person.objects.filter(household=household).order_by("-is_household_head", "pk"))
    balances: dict[tuple[int, str], int] = {
        (pid, kind): bal for pid, kind, bal in Account.objects.filter(
            person__in=members, kind__in=[AccountKind.REDEEMABLE, AccountKind.HONOUR])
        .values_list("person_id", "kind", "balance")}
    rows = [MemberBalance(p, balances.get((p.pk, AccountKind.REDEEMABLE), 0), balances.get((p.pk, AccountKind.HONOUR), 0))
            for p in members]
    return HouseholdPoints(household, rows, sum(r.redeemable for r in rows), sum(r.honour for r in rows))


def addresses_as_seen(actor, households: list[Household]) -> list[Household]:
    """The households' addresses as the viewer may see them (docs/privacy.md: masked for commanders), in memory
    only — the rows are for display and must not be saved."""
    if not may_see_personal_data(as_actor(actor)):
        for h in households:
            h.address = mask_address(h.address)
    return households


def search_q(actor, q: str):
    """The household list's search: code or a member's name; the address too for whoever sees it in full
    (for anyone else a match on the hidden house number would reveal it)."""
    from django.db.models import Q

    cond = Q(code__icontains=q) | Q(members__name=q)
    return cond | Q(address__icontains=q) if may_see_personal_data(as_actor(actor)) else cond
