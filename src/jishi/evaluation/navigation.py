"""The evaluation entry of the navigation: the community's cadres, the town's and the city's commanders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav
from jishi.org.policy import evaluation_level_of


def register() -> None:
    register_nav("evaluation", _("社区评价"), "evaluation-home", order=47,
                 visible=lambda actor: evaluation_level_of(actor) is not None)
