"""One case as its page and the API show it: the case the actor may open, with its timeline, files,
units, whistles and notices; the timeline's display labels; a page's pending whistles."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jishi.cases.choices import AssignmentRole, AssignmentSource, Channel, Rating, State
from jishi.cases.lists import listing
from jishi.cases.models import Attachment, Case, CaseAssignment, CaseEvent
from jishi.core.actor import Actor
from jishi.core.downloads import Download
from jishi.core.scope import holds
from jishi.org import privacy
from jishi.org.choices import Role
from jishi.org.policy import STAFF_ROLES, may_see_personal_data


def openable(actor: Actor, pk: int):
    """The case ``pk`` as a queryset of at most one row, if ``actor`` may open it (``restrict``: the same rule
    as every list)."""
    return Case.objects.restrict(actor, "view").filter(pk=pk)


def get_case(actor: Actor, pk: int) -> Case | None:
    """One case the actor may see, with its timeline (each row's files), files, units and whistles; None if not
    visible."""
    case = (listing(openable(actor, pk))
            .select_related("reporter")
            .prefetch_related(
                Prefetch("events", queryset=CaseEvent.objects.select_related("department").order_by("at", "id")
                         .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))),
                Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
                Prefetch("assignments", queryset=CaseAssignment.objects.select_related("department").order_by("id")),
                "whistles", "supervisions")
            .first())
    if case is not None:
        case._pending_whistled = {a.department_id for a in case.assignments.all()
                                  if a.is_active and a.source == AssignmentSource.WHISTLE and a.acknowledged_at is None}
    return case


def get_attachment(actor: Actor, pk: int) -> Attachment | None:
    """A case file, if the actor may open its case."""
    att = Attachment.objects.filter(pk=pk).select_related("case").first()
    if att is None or not holds(actor, "view", att.case):
        return None
    return att


def download_of(actor: Actor, pk: int):
    """The download registry's resolver for case files (``jishi.core.downloads``, kind ``case``)."""
    att = get_attachment(actor, pk)
    if att is None:
        return None
    return Download(att.file, att.content_type, att.file.name.rsplit("/", 1)[-1])


def attach_pending_whistles(page_cases: list[Case]) -> None:
    """Fill ``case._pending_whistled`` (read by ``permissions.relations``) for a page in one query."""
    ids = [c.pk for c in page_cases]
    pending: dict[int, set[int]] = defaultdict(set)
    if ids:
        for case_id, dept_id in CaseAssignment.objects.filter(
                case_id__in=ids, is_active=True, source=AssignmentSource.WHISTLE,
                acknowledged_at__isnull=True).values_list("case_id", "department_id"):
            pending[case_id].add(dept_id)
    for c in page_cases:
        c._pending_whistled = pending.get(c.pk, set())


def state_label(case: Case) -> str:
    """The state as its viewers read it: a whistled case whose lead department has not reported in waits for
    报到 (待报到), not for 签收 — its button says 报到. Reads ``case._pending_whistled`` when a page filled it."""
    from jishi.cases.guards import awaits_report_in

    if case.state == State.DISPATCHED and awaits_report_in(case):
        return _("待报到")
    return str(State(case.state).label) if case.state in State.values else case.state


# timeline rows that are not steps of the loop (no state change): the follow-up of the reporter and of a 督办
NOTE_VERBS = {"contact": "联系上报人", "reveal": "查看上报人号码", "supervise_reply": "回复督办"}


# The case loop's verbs as the page's buttons name them (imperative: "Supervise", not "Supervision"), in the
# viewer's language; the Chinese is the transition table's label (``workflow.TRANSITIONS``).
ACTION_LABELS = {
    "report": pgettext_lazy("case action", "上报"), "accept": pgettext_lazy("case action", "立案"),
    "reject": pgettext_lazy("case action", "不予立案"), "dispatch": pgettext_lazy("case action", "派遣"),
    "acknowledge": pgettext_lazy("case action", "签收"), "return": pgettext_lazy("case action", "退回"),
    "handle": pgettext_lazy("case action", "处置"), "request_extension": pgettext_lazy("case action", "申请延期"),
    "extend": pgettext_lazy("case action", "延期审批"), "suspend": pgettext_lazy("case action", "挂起"),
    "resume": pgettext_lazy("case action", "恢复"), "verify": pgettext_lazy("case action", "核查"),
    "close": pgettext_lazy("case action", "结案"), "rate": pgettext_lazy("case action", "评价"),
    "reopen": pgettext_lazy("case action", "返工"), "resolve_on_spot": pgettext_lazy("case action", "自行处置"),
    "whistle": pgettext_lazy("case action", "吹哨"), "report_in": pgettext_lazy("case action", "报到"),
    "supervise": pgettext_lazy("case action", "督办"), "escalate": pgettext_lazy("case action", "上报上级"),
}
# … and as the timeline names what happened ("Supervised")
EVENT_LABELS = {
    "report": pgettext_lazy("case event", "上报"), "accept": pgettext_lazy("case event", "立案"),
    "reject": pgettext_lazy("case event", "不予立案"), "dispatch": pgettext_lazy("case event", "派遣"),
    "acknowledge": pgettext_lazy("case event", "签收"), "return": pgettext_lazy("case event", "退回"),
    "handle": pgettext_lazy("case event", "处置"), "request_extension": pgettext_lazy("case event", "申请延期"),
    "extend": pgettext_lazy("case event", "延期审批"), "suspend": pgettext_lazy("case event", "挂起"),
    "resume": pgettext_lazy("case event", "恢复"), "verify": pgettext_lazy("case event", "核查"),
    "close": pgettext_lazy("case event", "结案"), "rate": pgettext_lazy("case event", "评价"),
    "reopen": pgettext_lazy("case event", "返工"), "resolve_on_spot": pgettext_lazy("case event", "自行处置"),
    "whistle": pgettext_lazy("case event", "吹哨"), "report_in": pgettext_lazy("case event", "报到"),
    "supervise": pgettext_lazy("case event", "督办"), "escalate": pgettext_lazy("case event", "上报上级"),
    "contact": pgettext_lazy("case event", "联系上报人"), "reveal": pgettext_lazy("case event", "查看上报人号码"),
    "supervise_reply": pgettext_lazy("case event", "回复督办"),
}


def action_label(verb: str) -> str:
    """The button of ``verb`` in the active language."""
    from jishi.cases.workflow import TRANSITIONS

    return str(ACTION_LABELS[verb]) if verb in ACTION_LABELS else TRANSITIONS[verb].label


def verb_label(verb: str) -> str:
    """The Chinese label of a timeline row's verb (a step of the table, or one of ``NOTE_VERBS``)."""
    from jishi.cases.workflow import TRANSITIONS

    t = TRANSITIONS.get(verb)
    return t.label if t else NOTE_VERBS.get(verb, verb)


def label_events(events) -> list[CaseEvent]:
    """Give timeline rows display labels (verb, states, role) without touching the model."""
    roles = dict(Role.choices) | dict(Channel.choices) | {"system": _("系统")}
    states = dict(State.choices)
    out = list(events)
    for e in out:
        e.verb_label = str(EVENT_LABELS[e.verb]) if e.verb in EVENT_LABELS else _(verb_label(e.verb))
        e.from_label = states.get(e.from_state, e.from_state)
        e.to_label = states.get(e.to_state, e.to_state)
        e.role_label = roles.get(e.actor_role, e.actor_role)
        e.changed = bool(e.to_state) and e.to_state != e.from_state
        e.outcome = _outcome(e)
    return out


def _outcome(e: CaseEvent) -> str:
    d = e.data or {}
    if e.verb == "verify":
        return _("通过") if d.get("passed") else _("不通过，返工")
    if e.verb == "rate" and d.get("rating") in Rating.values:
        label = Rating(d["rating"]).label
        return _("回访：%(r)s") % {"r": label} if d.get("by") == "revisit" else label
    if e.verb == "extend":
        return _("批准延期 %(n)s 个工作日") % {"n": d.get("days")} if d.get("approved") else _("未批准")
    if e.verb == "request_extension":
        return _("申请延期 %(n)s 个工作日") % {"n": d.get("days")}
    if e.verb == "contact":
        return _("平台回拨") if d.get("via") == "call" else _("短信转发")
    if e.verb == "supervise_reply" and d.get("finish_by"):
        return _("承诺 %(d)s 前办结") % {"d": d["finish_by"]}
    if e.verb == "report_in" and d.get("role") in AssignmentRole.values:
        return AssignmentRole(d["role"]).label
    return ""


# --- the reporter as a viewer may see them (docs/privacy.md) ----------------------------------------------

def reporter_as_seen(actor: Actor, case: Case, *, phone: bool = True) -> tuple[str, str]:
    """Name and phone of the reporter for this viewer: hidden for an anonymous report; in full for roles whose
    work needs personal data and for the reporter themselves; else masked (PIPL minimisation).
    ``phone=False`` (lists, which load no phone): the name only, the phone "" unread."""
    if case.anonymous:
        return str(_("匿名")), ""
    if may_see_personal_data(actor) or (actor.user_id is not None and case.reporter_user_id == actor.user_id):
        return case.reporter_name, case.reporter_phone if phone else ""
    return privacy.mask_name(case.reporter_name), privacy.mask_phone(case.reporter_phone) if phone else ""


def mask_reporter_rows(actor: Actor, case: Case, events: list[CaseEvent]) -> list[CaseEvent]:
    """The timeline rows the reporter wrote (their report, their rating) name them as ``reporter_as_seen`` does,
    so the timeline does not show in full the name the reporter field masks (in memory only)."""
    name = reporter_as_seen(actor, case, phone=False)[0]
    for e in events:
        if e.actor_role in STAFF_ROLES:
            continue
        if (e.verb == "report" and "on_behalf_of" not in (e.data or {})) or (
                case.reporter_user_id is not None and e.actor_id == case.reporter_user_id):
            e.actor_name = name
    return events
