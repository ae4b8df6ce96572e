"""The party entries of the navigation: the organisation tree and organisational life for whoever acts for party
organisations (secretaries and commanders), 三报到三服务 for everyone with a person record or a department post."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import DEPARTMENT_ROLES


def register() -> None:
    register_nav("party", _("党组织"), "party-tree", order=48, visible=lambda actor: not actor.scope("party").empty)
    register_nav("reportin", _("三报到三服务"), "party-reportin", order=49,
                 visible=lambda actor: bool(actor.person_id) or actor.has_any(DEPARTMENT_ROLES))
