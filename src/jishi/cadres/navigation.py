"""The cadre pipeline's entry of the navigation: the organisation staff of the city and the towns, and the
village cadres (their village's applicants and reserve)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.cadres.access import is_reader
from jishi.core.nav import register_nav


def register() -> None:
    register_nav("cadres", _("干部队伍"), "cadres-rounds", order=49, visible=is_reader)
