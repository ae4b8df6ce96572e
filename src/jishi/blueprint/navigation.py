"""The blueprint entry of the navigation: whoever acts on projects in a region or for a department (GRANTS
``blueprint``): cadres, commanders, the departments that claimed projects."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav


def _sees(actor) -> bool:
    return actor.scope("blueprint").regional


def register() -> None:
    register_nav("blueprint", _("挂图作战"), "blueprint-home", order=47, visible=_sees)
