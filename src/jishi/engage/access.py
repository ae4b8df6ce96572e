"""Who reaches a wish or project and who acts on it; what the public wall shows.

Reading: ``Wish.objects.restrict(actor, "view")`` — the region's staff, the wisher, the claimant, the account that
posted it; the wall: ``restrict(policy.public_actor(), "public")`` (published wishes, open calls), personal data
masked. Managing (review, publish, choose, accept): ``holds(actor, "manage", row)`` — the village cadres, town
and city commanders of its region. Out of scope is "not found".
"""

from __future__ import annotations

from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.engage.models import Need, Project, Resource, Wish
from jishi.org.policy import PUBLIC_ACTION, as_actor, may_see_personal_data, public_actor
from jishi.org.privacy import mask_name, mask_phone


def wall() -> object:
    """The wishes on the public wall (心愿墙)."""
    return Wish.objects.restrict(public_actor(), PUBLIC_ACTION)


def calls() -> object:
    """The projects on the public board (榜单): open calls, and those taken and done."""
    return Project.objects.restrict(public_actor(), PUBLIC_ACTION)


def visible_wishes(actor) -> object:
    return Wish.objects.restrict(as_actor(actor), "view")


def managed_wishes(actor) -> object:
    return Wish.objects.restrict(as_actor(actor), "manage")


def wish_for(actor, pk) -> Wish:
    """The wish ``pk`` if the actor reaches it (scope, or on the wall), else NotFound."""
    w = Wish.objects.select_related("region", "village", "town", "claimant", "case").filter(pk=pk).first()
    actor = as_actor(actor)
    if w is None or not (holds(actor, "view", w) or wall().filter(pk=w.pk).exists()):
        raise NotFound("心愿不存在或不在您的范围内")
    return w


def project_for(actor, pk) -> Project:
    p = Project.objects.select_related("region", "village", "town", "brand").filter(pk=pk).first()
    actor = as_actor(actor)
    if p is None or not (holds(actor, "view", p) or calls().filter(pk=p.pk).exists()):
        raise NotFound("项目不存在或不在您的范围内")
    return p


def need_for(actor, pk, action: str = "view") -> Need:
    n = Need.objects.select_related("region").filter(pk=pk).first()
    if n is None or not holds(as_actor(actor), action, n):
        raise NotFound("需求不存在或不在您的范围内")
    return n


def resource_for(actor, pk, action: str = "view") -> Resource:
    r = Resource.objects.filter(pk=pk).first()
    if r is None or not holds(as_actor(actor), action, r):
        raise NotFound("资源不存在或不在您的范围内")
    return r


def may_manage(actor, row) -> bool:
    return holds(as_actor(actor), "manage", row)


def sees_person(actor, wish: Wish) -> bool:
    """The wisher's name and phone in full: the region's staff, the wisher, the claimant, the poster.
    Everyone else (the wall) sees them masked."""
    return holds(as_actor(actor), "view", wish)


def involved(actor, wish: Wish) -> bool:
    """The wisher, the claimant (who must reach the wisher to deliver) or the account that posted it."""
    actor = as_actor(actor)
    return bool(actor.person_id and actor.person_id in (wish.wisher_id, wish.claimant_id)) or \
        bool(actor.user_id and actor.user_id == wish.posted_by_id)


def wisher_label(actor, wish: Wish) -> tuple[str, str]:
    """(name, phone) as the actor may see them: the name in full to whoever reaches the wish in scope, the
    phone to the roles that need personal data (PIPL) and to the people involved; the wall masks both."""
    actor = as_actor(actor)
    if not sees_person(actor, wish):
        return mask_name(wish.wisher_name), mask_phone(wish.wisher_phone)
    full_phone = may_see_personal_data(actor) or involved(actor, wish)
    return wish.wisher_name, wish.wisher_phone if full_phone else mask_phone(wish.wisher_phone)
