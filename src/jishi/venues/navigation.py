"""The venues entry of the navigation: the staff who see venues (cadres, commanders, the admin)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav


def _sees(actor) -> bool:
    scope = actor.scope("manage")
    return scope.everything or not scope.empty


def register() -> None:
    register_nav("venues", _("阵地"), "venues-home", order=48, visible=_sees)
