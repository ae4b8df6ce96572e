"""The transition table of the case loop: declared once, validated at import time.

Each ``Transition`` says who may perform the verb (relations of the actor to the case, see
``jishi.cases.permissions``), from which states, to which state(s), and what it must record; its further
preconditions (a guard per verb) are in ``jishi.cases.guards``.
``services.py`` enforces it for pages, API and admin alike; docs/cases.md prints it.

Relations:
    anyone       any signed-in user (or a system channel such as the hotline gateway)
    grid_staff   grid worker / grid leader of the case's grid
    grid_leader  grid leader of the case's grid
    commander    village cadre / town commander / city commander whose level is at or above the
                 case's command level and whose region contains the case (city: everywhere)
    handler      the current handling unit: a handler of the lead department, or the commander of
                 the region the case was dispatched to
    whistled     a handler of a department named in an active whistle, not yet reported in
    reporter     the user who reported the case
"""

from __future__ import annotations

from dataclasses import dataclass

from jishi.cases.choices import State

RELATIONS = frozenset({"anyone", "grid_staff", "grid_leader", "commander", "handler", "whistled", "reporter"})
SAME = "="  # to-state meaning "no state change"
PREVIOUS = "<"  # to-state meaning "back to the state before suspension"


@dataclass(frozen=True)
class Transition:
    verb: str
    label: str
    who: frozenset[str]
    sources: frozenset[str]  # from-states (empty: creation)
    targets: tuple[str, ...]  # possible to-states; the first is the normal outcome
    requires: tuple[str, ...] = ()  # what must be given: reason, note, evidence, target, departments, rating, days

    def allows_from(self, state: str) -> bool:
        return state in self.sources


def _t(verb, label, who, sources, targets, requires=()) -> Transition:
    return Transition(verb, label, frozenset(who), frozenset(sources), tuple(targets), tuple(requires))


S = State
OPEN_HELD_BY_REGION = (S.REPORTED, S.ACCEPTED, S.RETURNED, S.IN_PROGRESS)

TRANSITIONS: dict[str, Transition] = {
    t.verb: t
    for t in [
        _t("report", "上报", {"anyone"}, [], [S.REPORTED], ["category", "location"]),
        _t("accept", "立案", {"commander", "grid_leader"}, [S.REPORTED], [S.ACCEPTED]),
        _t("reject", "不予立案", {"commander", "grid_leader"}, [S.REPORTED], [S.REJECTED], ["reason"]),
        _t("dispatch", "派遣", {"commander"}, [S.ACCEPTED, S.RETURNED], [S.DISPATCHED], ["target"]),
        _t("acknowledge", "签收", {"handler"}, [S.DISPATCHED], [S.IN_PROGRESS]),
        _t("return", "退回", {"handler"}, [S.DISPATCHED], [S.RETURNED], ["reason"]),
        _t("handle", "处置", {"handler"}, [S.IN_PROGRESS], [S.HANDLED], ["note"]),
        _t("request_extension", "申请延期", {"handler"}, [S.IN_PROGRESS], [SAME], ["reason", "days"]),
        _t("extend", "延期审批", {"commander"}, [S.IN_PROGRESS], [SAME], []),
        _t("suspend", "挂起", {"commander"}, [S.DISPATCHED, S.IN_PROGRESS], [S.SUSPENDED], ["reason"]),
        _t("resume", "恢复", {"commander"}, [S.SUSPENDED], [PREVIOUS]),
        _t("verify", "核查", {"grid_staff", "reporter", "commander"}, [S.HANDLED], [SAME, S.IN_PROGRESS], ["passed"]),
        _t("close", "结案", {"commander"}, [S.HANDLED], [S.CLOSED]),
        _t("rate", "评价", {"reporter", "commander"}, [S.CLOSED], [SAME, S.IN_PROGRESS], ["rating"]),
        _t("reopen", "返工", {"commander"}, [S.HANDLED, S.CLOSED], [S.IN_PROGRESS], ["reason"]),
        _t("resolve_on_spot", "自行处置", {"grid_staff"}, [S.REPORTED], [S.CLOSED], ["evidence"]),
        _t("whistle", "吹哨", {"commander"}, [S.ACCEPTED, S.RETURNED, S.IN_PROGRESS], [S.DISPATCHED],
           ["reason", "departments"]),
        _t("report_in", "报到", {"whistled"}, [S.DISPATCHED, S.IN_PROGRESS], [S.IN_PROGRESS, SAME]),
        _t("supervise", "督办", {"commander"}, [S.ACCEPTED, S.DISPATCHED, S.RETURNED, S.IN_PROGRESS, S.SUSPENDED,
                                               S.HANDLED, S.REPORTED], [SAME], ["note"]),
        _t("escalate", "上报上级", {"commander", "grid_leader"}, OPEN_HELD_BY_REGION, [S.ACCEPTED], ["reason"]),
    ]
}

REQUIREMENTS = frozenset({"category", "location", "reason", "note", "evidence", "target", "departments", "rating",
                          "days", "passed"})


def validate_table(table: dict[str, Transition]) -> None:
    """Fail at import time on a malformed table (unknown state, relation or requirement)."""
    states = set(State.values)
    for verb, t in table.items():
        if verb != t.verb:
            raise ValueError(f"transition table: key {verb} names verb {t.verb}")
        if not t.who or not t.who <= RELATIONS:
            raise ValueError(f"transition {verb}: unknown relation(s) {set(t.who) - RELATIONS}")
        if not t.sources <= states:
            raise ValueError(f"transition {verb}: unknown from-state(s) {set(t.sources) - states}")
        if not t.targets or not set(t.targets) <= states | {SAME, PREVIOUS}:
            raise ValueError(f"transition {verb}: unknown to-state(s) {t.targets}")
        if not set(t.requires) <= REQUIREMENTS:
            raise ValueError(f"transition {verb}: unknown requirement(s) {set(t.requires) - REQUIREMENTS}")
        if not t.sources and verb != "report":
            raise ValueError(f"transition {verb}: no from-states")
    # Every state except the initial one can be reached, and every open state can be left.
    reached = {s for t in table.values() for s in t.targets} - {SAME, PREVIOUS}
    missing = states - reached
    if missing:
        raise ValueError(f"transition table: unreachable state(s) {missing}")
    left = {s for t in table.values() for s in t.sources}
    stuck = states - left - {State.REJECTED}
    if stuck:
        raise ValueError(f"transition table: state(s) with no way out {stuck}")


validate_table(TRANSITIONS)

