"""The 小蜜蜂 entry of the navigation: riders see their own page (register, station, 公益积分, care), staff the
registrations, stations and the care fund (the page shows what the signed-in user may)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav


def register() -> None:
    register_nav("bees", _("小蜜蜂"), "bees-home", order=48)
