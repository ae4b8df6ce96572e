"""The preconditions of the transitions beyond the table's states and relations, written once.

``refusal(actor, case, verb)`` answers "may this step happen to this case now?" for the verb (which
raises the refusal as a 409) and for ``services.available_verbs`` (which leaves the verb out), so a button
is offered exactly when its service would not refuse it for the case's state. What depends on the
caller's input (a reason, a target department, photos) is checked by the verb itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jishi.cases.choices import LEVEL_RANK, CommandLevel, State
from jishi.cases.permissions import pending_whistled_departments, user_departments
from jishi.cases.workflow import TRANSITIONS
from jishi.core.actor import Actor
from jishi.core.errors import Conflict


@dataclass(frozen=True)
class Refusal:
    """Why a step cannot happen now (Chinese message, machine code)."""

    message: str
    code: str

    def error(self) -> Conflict:
        return Conflict(self.message, code=self.code)


Guard = Callable[[Actor, object], Refusal | None]


def _none(actor: Actor, case) -> Refusal | None:
    return None


def _held_by_region(what: str, instead: str) -> Guard:
    def guard(actor: Actor, case) -> Refusal | None:
        if case.state == State.IN_PROGRESS and not case.handling_region_id:
            return Refusal(f"部门处置中的事件不能{what}，请使用{instead}", "held_by_department")
        return None
    return guard


def awaits_report_in(case) -> bool:
    """The case was whistled and its lead department has not reported in: it reports in (报到), which
    starts the handling; signing for it (签收) as if dispatched would leave the whistle unanswered."""
    return bool(case.handling_department_id) and case.handling_department_id in pending_whistled_departments(case)


def _acknowledge(actor: Actor, case) -> Refusal | None:
    if awaits_report_in(case):
        return Refusal("该事件是吹哨事件，主办部门请“报到”，报到后即开始处置，无需签收", "report_in_required")
    return None


def _request_extension(actor: Actor, case) -> Refusal | None:
    if case.extension_count >= 1:
        return Refusal("该事件已延期过一次，不能再次延期", "extension_used")
    if case.extension_requested_days:
        return Refusal("已有待审批的延期申请", "extension_pending")
    return None


def _extend(actor: Actor, case) -> Refusal | None:
    if not case.extension_requested_days:
        return Refusal("没有待审批的延期申请", "no_extension_request")
    if case.extension_count >= 1:
        return Refusal("该事件已延期过一次，不能再次延期", "extension_used")
    return None


def _verify(actor: Actor, case) -> Refusal | None:
    """One verification per round of handling: after a passed one the case awaits closing (or a reopen)."""
    if case.verified_at is not None:
        return Refusal("该事件本轮处置已核查通过，不能重复核查；如需返工请由指挥中心“返工”", "already_verified")
    return None


def _close(actor: Actor, case) -> Refusal | None:
    if case.verified_at is None:
        return Refusal("事件尚未核查通过，不能结案", "not_verified")
    return None


def _rate(actor: Actor, case) -> Refusal | None:
    """Nobody rates their own work: only the reporting resident, or a 回访 by a commander who did not handle
    the case (``rating_refusal``)."""
    if case.rating:
        return Refusal("该事件已评价过", "already_rated")
    return rating_refusal(actor, case)


def staff_report(case) -> bool:
    """Staff reported what they found on their round (巡查/走访/物联感知), not on behalf of a resident."""
    from jishi.cases.figures import STAFF_CHANNELS

    if case.channel not in STAFF_CHANNELS:
        return False
    primed = getattr(case, "primed_staff_report", None)
    if primed is not None:
        return primed
    data = case.events.filter(verb="report").values_list("data", flat=True).first() or {}
    return not data.get("on_behalf_of")


def prime_rating(actor: Actor, cases: list) -> None:
    """Read once for a page of cases what ``rating_refusal`` asks of each case that may still be rated: which of
    them ``actor`` handled, and whether each staff report was made on behalf of a resident — one statement
    a page instead of two a row. Each case keeps the answers (``primed_handled``, ``primed_staff_report``)."""
    from django.db.models import Q

    from jishi.cases.figures import HANDLING_VERBS, STAFF_CHANNELS
    from jishi.cases.models import CaseEvent

    rate = TRANSITIONS["rate"]
    open_to_rating = [c for c in cases if not c.rating and rate.allows_from(c.state)]
    if actor.is_system or not open_to_rating:
        return
    staff = [c.pk for c in open_to_rating if c.channel in STAFF_CHANNELS]
    handled: set[int] = set()
    first_report: dict[int, dict] = {}
    for case_id, verb, data in (CaseEvent.objects
                                .filter(Q(case_id__in=[c.pk for c in open_to_rating], actor_id=actor.user_id,
                                          verb__in=HANDLING_VERBS) | Q(case_id__in=staff, verb="report"))
                                .order_by("case_id", "at", "id").values_list("case_id", "verb", "data")):
        if verb == "report":
            first_report.setdefault(case_id, data or {})  # the first report row of the case
        else:
            handled.add(case_id)
    for c in open_to_rating:
        c.primed_handled = (actor.user_id, c.pk in handled)
        if c.channel in STAFF_CHANNELS:
            c.primed_staff_report = not first_report.get(c.pk, {}).get("on_behalf_of")


def rating_refusal(actor: Actor, case) -> Refusal | None:
    """Why ``actor`` may not rate ``case`` (whatever its state), or None. Refused: whoever handled the case
    (signed for, returned, handled, resolved on the spot, reported in — now or in an earlier round), and the
    reporter of a staff report (巡查/走访/物联感知: verified by someone else, its satisfaction counted apart)."""
    from jishi.cases.figures import HANDLING_VERBS
    from jishi.cases.permissions import relations

    if actor.is_system:
        return None
    rel = relations(actor, case)
    primed = getattr(case, "primed_handled", None)  # (user id, handled): ``prime_rating`` for a page of cases
    if "handler" in rel or "whistled" in rel or (
            primed[1] if primed is not None and primed[0] == actor.user_id
            else case.events.filter(actor_id=actor.user_id, verb__in=HANDLING_VERBS).exists()):
        return Refusal("您参与了该事件的处置，不能评价自己的工作；评价由上报群众或他人回访作出", "self_rating")
    if "commander" not in rel and "reporter" in rel and staff_report(case):
        return Refusal("工作人员巡查、走访上报的事件不由上报人评价，由他人核查，满意率中另计", "staff_report")
    return None


def _reopen(actor: Actor, case) -> Refusal | None:
    if not (case.handling_department_id or case.handling_region_id):
        return Refusal("该事件没有承办单位，不能返工", "no_handler")
    return None


def reporting_in(actor: Actor, case) -> set[int]:
    """The whistled departments ``actor`` may report in for (a system job: every pending one)."""
    pending = pending_whistled_departments(case)
    return set(pending) if actor.is_system else user_departments(actor) & pending


def _report_in(actor: Actor, case) -> Refusal | None:
    if not reporting_in(actor, case):
        return Refusal("您的部门已报到或未被点名", "not_whistled")
    return None


_whistle = _held_by_region("吹哨", "督办")
_escalate_held = _held_by_region("上报上级", "督办")


def _escalate(actor: Actor, case) -> Refusal | None:
    if (held := _escalate_held(actor, case)) is not None:
        return held
    if LEVEL_RANK[CommandLevel(case.command_level)] >= LEVEL_RANK[CommandLevel.CITY]:
        return Refusal("事件已在市级指挥中心，不能再上报", "top_level")
    return None


GUARDS: dict[str, Guard] = {
    "report": _none, "accept": _none, "reject": _none, "dispatch": _none, "acknowledge": _acknowledge,
    "return": _none, "handle": _none, "request_extension": _request_extension, "extend": _extend,
    "suspend": _none, "resume": _none, "verify": _verify, "close": _close, "rate": _rate, "reopen": _reopen,
    "resolve_on_spot": _none, "whistle": _whistle, "report_in": _report_in, "supervise": _none,
    "escalate": _escalate,
}
assert set(GUARDS) == set(TRANSITIONS), "every transition has its guard"


def refusal(actor: Actor, case, verb: str) -> Refusal | None:
    """Why ``verb`` cannot happen to ``case`` now, or None."""
    return GUARDS[verb](actor, case)
