"""The progress stepper of a case page (FixMyStreet-style updates, 12345 回访): where the case is in the loop, in
the words a resident understands, with the time of each step reached and, at the handling step, the after-photos.

Built from the case's own columns and its timeline rows already on the page (no query of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from jishi.cases.choices import State
from jishi.cases.models import Attachment, Case, CaseEvent

# the steps in order; the index a state has reached
STEPS = [("reported", _("已上报")), ("accepted", _("已受理")), ("dispatched", _("已派遣")),
         ("acknowledged", _("已签收")), ("handled", _("已处置")), ("verified", _("已核查")), ("closed", _("已结案")),
         ("rated", _("已评价"))]
REACHED = {State.REPORTED: 0, State.ACCEPTED: 1, State.RETURNED: 1, State.DISPATCHED: 2, State.IN_PROGRESS: 3,
           State.HANDLED: 4, State.CLOSED: 6}
TIME_OF = {"reported": "reported_at", "accepted": "accepted_at", "dispatched": "dispatched_at",
           "acknowledged": "acknowledged_at", "handled": "handled_at", "verified": "verified_at",
           "closed": "closed_at", "rated": "rated_at"}


@dataclass
class Step:
    key: str
    label: str
    done: bool = False
    current: bool = False
    at: object = None
    detail: str = ""
    waiting_on_you: str = ""  # "verify" / "rate": the reporter's turn
    photos: list[Attachment] = field(default_factory=list)


def steps(case: Case, events: list[CaseEvent], *, viewer_is_reporter: bool = False) -> list[Step]:
    """The stepper of ``case`` (``events``: its timeline rows, each with its attachments prefetched)."""
    state = case.suspended_from if case.state == State.SUSPENDED and case.suspended_from else case.state
    if case.state == State.REJECTED:
        return [Step("reported", str(STEPS[0][1]), done=True, at=case.reported_at),
                Step("rejected", str(_("不予立案")), done=True, current=True, at=_last_at(events, "reject"),
                     detail=_last_note(events, "reject"))]
    reached = REACHED.get(state, 0)
    if state == State.HANDLED and case.verified_at:
        reached = 5
    if state == State.CLOSED and case.rated_at:
        reached = 7
    out = []
    for i, (key, label) in enumerate(STEPS):
        step = Step(key, str(label), done=i <= reached, at=getattr(case, TIME_OF[key]) if i <= reached else None)
        out.append(step)
    nxt = reached + 1 if reached + 1 < len(out) else None
    if nxt is not None:  # every step reached (rated): none is current
        out[nxt].current = True
    unit = (case.handling_department.name if case.handling_department_id and case.handling_department
            else case.handling_region.name if case.handling_region_id and case.handling_region else "")
    if unit and reached >= 2:
        out[2].detail = str(_("派至 %(unit)s") % {"unit": unit})
    handle = _last(events, "handle")
    if handle is not None and reached >= 4:
        out[4].detail = handle.note
        out[4].photos = [a for a in handle.attachments.all() if a.content_type.startswith("image/")]
    if case.resolved_on_spot:
        for s in out[1:6]:
            s.detail = s.detail or str(_("网格员当场处置"))
    if case.rework_count and reached < 6:
        out[3].detail = str(_("重办第 %(n)d 次") % {"n": case.rework_count})
    if viewer_is_reporter and case.state == State.HANDLED and not case.verified_at:
        out[5].waiting_on_you = "verify"
    if viewer_is_reporter and case.state == State.CLOSED and not case.rated_at:
        out[7].waiting_on_you = "rate"
    return out


def _last(events: list[CaseEvent], verb: str) -> CaseEvent | None:
    return next((e for e in reversed(events) if e.verb == verb), None)


def _last_at(events, verb):
    e = _last(events, verb)
    return e.at if e else None


def _last_note(events, verb) -> str:
    e = _last(events, verb)
    return e.note if e else ""
