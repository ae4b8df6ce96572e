"""The cockpit's one-off job: rebuild the rollups from the raw rows once after an upgrade that changed the
definition of a counter (``jishi.cases.figures``: counted ratings by the time of their timeline row, 基本满意
apart). A ``once`` job of ``jishi.core.jobs``: run at the first start after the upgrade, recorded, never again;
bump ``DEFINITIONS`` when a definition changes again."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core import jobs

DEFINITIONS = "figures-2026-12"


def rebuild(period: str) -> int:
    from jishi.cockpit.rollups import rebuild as rebuild_rollups

    return rebuild_rollups()


def register() -> None:
    jobs.register(jobs.Job("cockpit.rebuild_rollups", _("按新口径重建驾驶舱汇总"), jobs.ONCE, rebuild,
                           key=DEFINITIONS))
