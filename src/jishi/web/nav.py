"""Role-aware navigation of the workbench shell. Each later domain adds its entries here."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jishi.org.choices import Role
from jishi.org.scope import roles_of

STAFF_ROLES = {
    Role.ADMIN, Role.CITY_COMMANDER, Role.TOWN_COMMANDER, Role.VILLAGE_CADRE, Role.GRID_LEADER,
    Role.GRID_WORKER, Role.MICROGRID_LIAISON, Role.VOLUNTEER, Role.LINE_SPECIALIST, Role.DEPARTMENT_HANDLER,
}
REGION_ROLES = STAFF_ROLES - {Role.DEPARTMENT_HANDLER}


def navigation_for(user) -> tuple[list[dict], list[str]]:
    if not getattr(user, "is_authenticated", False):
        return [], []
    roles = roles_of(user)
    items = [{"label": _("工作台"), "url": reverse("home"), "key": "home"}]
    if set(roles) & REGION_ROLES:
        items.append({"label": _("区域网格"), "url": reverse("region-tree"), "key": "regions"})
        items.append({"label": _("人员查询"), "url": reverse("people"), "key": "people"})
    from jishi.cases.views import nav_entries  # the case pages (and the inbox with its unread badge)

    items += nav_entries(user, roles)
    if set(roles) & {Role.ADMIN, Role.CITY_COMMANDER, Role.TOWN_COMMANDER, Role.VILLAGE_CADRE}:  # cockpit app
        items.append({"label": _("驾驶舱"), "url": reverse("cockpit"), "key": "cockpit"})
    if roles:  # villagers, merchants and staff alike (points app)
        items.append({"label": _("积分"), "url": reverse("points-home"), "key": "points"})
    from jishi.scoring.views import nav_entry as scoring_entry  # commanders, cadres, admin

    if entry := scoring_entry(roles):
        items.append(entry)
    if set(roles) & {Role.ADMIN, Role.CITY_COMMANDER}:
        items.append({"label": _("数据导入"), "url": reverse("org-import"), "key": "import"})
    if Role.ADMIN in roles or user.is_superuser:  # open ports (api app)
        items.append({"label": _("开放端口"), "url": reverse("ports"), "key": "ports"})
    if Role.ADMIN in roles or user.is_staff:
        items.append({"label": _("系统管理"), "url": reverse("admin:index"), "key": "admin"})
    return items, roles
