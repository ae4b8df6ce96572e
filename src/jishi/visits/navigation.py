"""The visits entry of the navigation: visitors (their list on a phone) and the planners (rounds, coverage)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import VISITOR_ROLES


def register() -> None:
    register_nav("visits", _("走访"), "visits-home", order=45, visible=lambda a: a.has_any(VISITOR_ROLES))
