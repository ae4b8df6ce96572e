"""The points entry of the navigation: villagers, merchants and staff alike (anyone with a role)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav


def register() -> None:
    register_nav("points", _("积分"), "points-home", order=50, visible=lambda a: bool(a.roles))
