"""Who reaches a dispute and who acts on it; masking of the parties' personal data.

Reading: ``Dispute.objects.restrict(actor, "mediate")`` / ``holds(actor, "mediate", d)`` — the region's cadres
and commanders, and the dispute's mediators (``org.policy`` GRANTS). Out of scope is "not found".
Acting: a mediator of the dispute, or a post that mediates at the dispute's current level or above
(``policy.mediation_level_of``): once a village's dispute has gone up to the town, the village reads it.
"""

from __future__ import annotations

from django.conf import settings

from jishi.core.actor import Actor
from jishi.core.errors import NotFound, PermissionDenied
from jishi.core.scope import holds
from jishi.mediation.choices import LEVEL_RANK, Level
from jishi.mediation.models import Dispute, DisputeMediator, Meeting
from jishi.org.policy import as_actor, may_see_personal_data, mediation_level_of
from jishi.org.privacy import mask_id_number, mask_phone

ACTION = "mediate"


def visible(actor) -> object:
    return Dispute.objects.restrict(as_actor(actor), ACTION)


def dispute_for(actor, pk) -> Dispute:
    """The dispute ``pk`` if ``actor`` reaches it, else NotFound (no existence oracle)."""
    d = Dispute.objects.select_related("region", "studio", "village", "town", "case").filter(pk=pk).first()
    if d is None or not holds(as_actor(actor), ACTION, d):
        raise NotFound("纠纷不存在或不在您的范围内")
    return d


def is_mediator(actor: Actor, dispute: Dispute) -> bool:
    return bool(actor.person_id) and DisputeMediator.objects.filter(dispute=dispute, person_id=actor.person_id).exists()


def may_act(actor: Actor, dispute: Dispute) -> bool:
    level = mediation_level_of(actor)
    if level is not None and LEVEL_RANK[level] >= LEVEL_RANK[dispute.level]:
        return True
    return is_mediator(actor, dispute)


def require_act(actor, dispute: Dispute) -> Actor:
    actor = as_actor(actor)
    if not holds(actor, ACTION, dispute):
        raise NotFound("纠纷不存在或不在您的范围内")
    if not may_act(actor, dispute):
        raise PermissionDenied(f"该纠纷现由{handler_name(dispute)}调处，您可以查看但不能办理")
    return actor


def may_see_parties(actor: Actor, dispute: Dispute) -> bool:
    """Full phone and ID numbers: the roles the policy names (PIPL minimisation), and the dispute's mediators."""
    return may_see_personal_data(actor) or is_mediator(actor, dispute)


def party_rows(actor, dispute: Dispute, *, full: bool | None = None) -> list[dict]:
    """The parties, phone and ID masked unless ``may_see_parties`` (or ``full``, a purpose the caller names)."""
    full = full if full is not None else may_see_parties(as_actor(actor), dispute)
    return [{"id": p.pk, "side": p.side, "side_label": p.get_side_display(), "name": p.name,
             "phone": p.phone if full else mask_phone(p.phone),
             "id_number": p.id_number if full else mask_id_number(p.id_number),
             "address": p.address, "masked": not full} for p in dispute.parties.all()]


def handler_name(dispute: Dispute) -> str:
    """Who mediates now: the studio, or the level's committee/centre."""
    if dispute.studio_id:
        return dispute.studio.name
    if dispute.level == Level.VILLAGE and dispute.village_id:
        return f"{dispute.village.name}人民调解委员会"
    if dispute.level in (Level.VILLAGE, Level.TOWN) and dispute.town_id:
        return f"{dispute.town.name}社会矛盾纠纷调处中心"
    return f"{settings.JISHI_CITY_NAME}社会矛盾纠纷调处化解中心"


def meeting_for(actor, pk, action: str = "view") -> Meeting:
    m = Meeting.objects.select_related("region").filter(pk=pk).first()
    if m is None or not holds(as_actor(actor), action, m):
        raise NotFound("会议不存在或不在您的范围内")
    return m
