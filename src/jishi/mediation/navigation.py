"""The mediation entry of the navigation: cadres and commanders (who mediate by role) and the mediators of
at least one dispute."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import mediation_level_of


def _sees(actor) -> bool:
    if mediation_level_of(actor) is not None:
        return True
    from jishi.mediation.models import DisputeMediator

    return bool(actor.person_id) and DisputeMediator.objects.filter(person_id=actor.person_id).exists()


def register() -> None:
    register_nav("mediation", _("调解"), "mediation-home", order=45, visible=_sees)
