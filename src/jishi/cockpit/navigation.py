"""The cockpit's navigation entry: the command roles (policy.COCKPIT_ROLES)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import COCKPIT_ROLES


def register() -> None:
    register_nav("cockpit", _("驾驶舱"), "cockpit", order=40, visible=lambda a: a.has_any(COCKPIT_ROLES))
