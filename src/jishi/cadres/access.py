"""Who reaches which rows of the cadre pipeline and who acts on them (``org.policy``: action ``cadres``).

Reading: ``Model.objects.restrict(actor, "view")`` — the city's staff everything, a town's staff their town, a
village cadre their village, a person their own rows. Acting: ``holds(actor, "cadres", row)`` — the
organisation staff of the city and of the row's town. Out of scope is "not found" (no existence oracle).
Personal data (phone) is masked unless the viewer's role needs it (``policy.may_see_personal_data``) or it is
the person's own.
"""

from __future__ import annotations

from jishi.cadres.models import Applicant, Contest, ReserveMember, Round, Secondment
from jishi.core.errors import NotFound
from jishi.core.scope import holds
from jishi.org.policy import as_actor, may_see_personal_data, reads_cadres
from jishi.org.privacy import mask_phone

MANAGE = "cadres"


def is_reader(actor) -> bool:
    """Whether the actor opens the pipeline's pages (organisation staff and village cadres)."""
    actor = as_actor(actor)
    return actor.is_authenticated and reads_cadres(actor)


def may_manage(actor, row) -> bool:
    return holds(as_actor(actor), MANAGE, row)


def runs_pipeline(actor) -> bool:
    """Whether the actor acts anywhere in the pipeline (shows the forms)."""
    return as_actor(actor).scope(MANAGE).regional


def _get(model, pk, actor, action: str, message: str, related=()):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    row = model.objects.select_related(*related).filter(pk=pk).first()
    if row is None or not holds(as_actor(actor), action, row):
        raise NotFound(message)
    return row


def round_for(actor, pk, action: str = "view") -> Round:
    return _get(Round, pk, actor, action, "招录批次不存在或不在您的范围内", ("region",))


def applicant_for(actor, pk, action: str = "view") -> Applicant:
    return _get(Applicant, pk, actor, action, "报名人员不存在或不在您的范围内", ("round", "region", "person"))


def member_for(actor, pk, action: str = "view") -> ReserveMember:
    return _get(ReserveMember, pk, actor, action, "储备人员不存在或不在您的范围内", ("region", "person"))


def secondment_for(actor, pk, action: str = "view") -> Secondment:
    return _get(Secondment, pk, actor, action, "挂职记录不存在或不在您的范围内", ("region", "person"))


def contest_for(actor, pk, action: str = "view") -> Contest:
    return _get(Contest, pk, actor, action, "比拼活动不存在或不在您的范围内", ("region",))


def phone_for(actor, phone: str, person_id: int | None) -> str:
    """The phone as the actor may see it: in full to the roles that need it and to the person, else masked."""
    actor = as_actor(actor)
    if may_see_personal_data(actor) or (person_id and actor.person_id == person_id):
        return phone
    return mask_phone(phone)
