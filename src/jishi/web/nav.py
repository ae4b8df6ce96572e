"""The workbench shell's own navigation entries (home, regions, people, system admin). Every other app
registers its entries in its ``AppConfig.ready()`` through ``jishi.core.nav``; the shell imports no domain."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import navigation, register_nav
from jishi.org.choices import Role
from jishi.org.policy import REGION_STAFF_ROLES


def register() -> None:
    register_nav("home", _("工作台"), "home", order=0)
    register_nav("regions", _("区域网格"), "region-tree", order=10, visible=lambda a: a.has_any(REGION_STAFF_ROLES))
    register_nav("people", _("人员查询"), "people", order=20, visible=lambda a: a.has_any(REGION_STAFF_ROLES))
    register_nav("admin", _("系统管理"), "admin:index", order=90,
                 visible=lambda a: a.has_role(Role.ADMIN) or bool(getattr(a.user, "is_staff", False)))


def navigation_for(actor) -> tuple[list[dict], list[str]]:
    """The entries ``actor`` sees and their roles (most senior first)."""
    if actor is None or actor.user is None:
        return [], []
    return navigation(actor), list(actor.roles)
