"""The scoring boards' navigation entry: commanders, cadres and the admin (policy.SCORING_ROLES)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import SCORING_ROLES


def register() -> None:
    register_nav("scoring", _("考核排名"), "scoring-home", order=60, visible=lambda a: a.has_any(SCORING_ROLES))
