"""The engagement entries of the navigation: the wish wall for everyone signed in (post, claim, thank), the
micro-projects board for everyone signed in (the calls are public; cadres manage the three lists there)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.nav import register_nav


def register() -> None:
    register_nav("wishes", _("微心愿"), "engage-wall", order=46)
    register_nav("projects", _("微项目"), "engage-projects", order=47)
