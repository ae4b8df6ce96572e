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


# The phone's bottom bar: home, then the first of these a role sees, and the inbox (its badge) always; the rest of
# the navigation sits behind 更多. Keys only (the shell imports no domain): each app registered its entry.
PHONE_PRIORITY = ("cases-report", "cases-grid", "cases-dept", "cases-board", "points", "visits", "cases-mine",
                  "mediation", "cockpit", "scoring")
PHONE_SLOTS = 5  # home + up to three main actions + the inbox
# 24×24 outline icons (SVG path data), drawn by the shell; an entry without one gets the list icon.
ICONS = {
    "home": "M3 11 12 3l9 8M5 10v10h5v-6h4v6h5V10",
    "cases-report": "M12 5v14M5 12h14M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20",
    "inbox": "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10 21a2 2 0 0 0 4 0",
    "points": "M12 2l3 6.5 7 .9-5 4.8 1.2 7L12 17.8 5.8 21.2 7 14.2 2 9.4l7-.9z",
    "visits": "M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5",
    "cockpit": "M4 20V10M10 20V4M16 20v-7M22 20H2",
    "more": "M5 12h.01M12 12h.01M19 12h.01",
}
LIST_ICON = "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01"


def phone_bar(nav: list[dict]) -> tuple[list[dict], list[dict]]:
    """Split the entries an actor sees into the phone's bottom bar (3–5, always the inbox with its badge when
    the role has one) and the rest shown under 更多."""
    by_key = {e["key"]: e for e in nav}
    bar = [by_key["home"]] if "home" in by_key else []
    inbox = by_key.get("inbox")
    room = PHONE_SLOTS - len(bar) - (1 if inbox else 0)
    bar += [by_key[k] for k in PHONE_PRIORITY if k in by_key][:room]
    if inbox:
        bar.append(inbox)
    chosen = {e["key"] for e in bar}
    return [{**e, "icon": ICONS.get(e["key"], LIST_ICON)} for e in bar], [e for e in nav if e["key"] not in chosen]


def navigation_for(actor) -> tuple[list[dict], list[str]]:
    """The entries ``actor`` sees and their roles (most senior first)."""
    if actor is None or actor.user is None:
        return [], []
    return navigation(actor), list(actor.roles)
