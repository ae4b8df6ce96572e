"""The burden entries of the navigation: the ledgers (台账) for the command roles, the data requests (数据填报)
for departments, the city and the villages' cadres, and the villages' to-do (requests not yet submitted)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav, register_todos
from jishi.org.policy import ANSWER_ROLES, COCKPIT_ROLES, DATA_REQUEST_ROLES


def _todos(actor) -> list[dict]:
    if not actor.has_any(ANSWER_ROLES) or actor.is_system:
        return []
    from jishi.burden.access import my_replies
    from jishi.burden.choices import ReplyState, RequestState

    n = my_replies(actor).filter(request__state=RequestState.OPEN).exclude(state=ReplyState.SUBMITTED).count()
    return [{"label": _("待填报的数据需求"), "count": n, "url": reverse("burden-requests")}] if n else []


def register() -> None:
    register_nav("ledgers", _("自动台账"), "burden-ledgers", order=60, visible=lambda a: a.has_any(COCKPIT_ROLES))
    register_nav("datarequests", _("数据填报"), "burden-requests", order=61,
                 visible=lambda a: a.has_any(DATA_REQUEST_ROLES | ANSWER_ROLES))
    register_todos("burden", _todos, order=61)
