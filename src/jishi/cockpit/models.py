"""Rollups of the case loop for the cockpit: one row per day × town × village × grid × category ×
channel with counters, kept up to date incrementally (``jishi.cockpit.rollups``) and rebuilt from
raw cases by ``jishi rebuild-rollups``. Region and category columns hold plain ids (0 = none), so
that the unique key has no NULLs and an upsert works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.core.scope import ScopedManager

COUNTERS = (
    "received",         # cases reported that day (by reported_at)
    "rejected",         # of those, not taken up (不予立案)
    "received_closed",  # of those, closed now
    "closed_on_time",   # of those, closed no later than the handle limit
    "rework",           # reworks (返工) of the cases reported that day
    "closed",           # cases closed that day (by closed_at)
    "rated",            # counted ratings given that day (jishi.cases.figures.counted_ratings, by the rate row's time)
    "satisfied",        # of those, 满意 or 基本满意
    "rated_basic",      # of those, 基本满意 (counted at jishi.cases.figures.BASIC_WEIGHT)
    "supervisions",     # supervision notices (督办) raised that day
    "overdue_opened",   # red handle-limit notices raised that day (a case went overdue)
    "whistles",         # whistles (吹哨) blown that day
)
DIMS = ("grain", "day", "town", "village", "grid", "category", "channel")
# Grains: FINE rows per grid × (sub-)category × channel; TOWN rows per town × main category (no village,
# grid or channel) and CHANNEL rows per town × channel: the city page reads only the two coarse grains,
# whose row count is bounded by towns × categories / channels per day whatever the case volume.
FINE, TOWN, CHANNEL = "g", "t", "c"


class DailyRollup(models.Model):
    """Counters of the case loop for one day and one key of a grain: grid (with its village and town) ×
    category × channel, or town × main category, or town × channel."""

    grain = models.CharField(_("粒度"), max_length=1, default="g")
    day = models.DateField(_("日期"))
    town = models.PositiveIntegerField(_("镇/街道"), default=0)
    village = models.PositiveIntegerField(_("村/社区"), default=0)
    grid = models.PositiveIntegerField(_("网格"), default=0)
    category = models.PositiveIntegerField(_("分类"), default=0)
    channel = models.CharField(_("渠道"), max_length=12)
    received = models.IntegerField(_("受理"), default=0)
    rejected = models.IntegerField(_("不予立案"), default=0)
    received_closed = models.IntegerField(_("已办结(按受理日)"), default=0)
    closed_on_time = models.IntegerField(_("按期办结(按受理日)"), default=0)
    rework = models.IntegerField(_("返工"), default=0)
    closed = models.IntegerField(_("结案(按结案日)"), default=0)
    rated = models.IntegerField(_("评价"), default=0)
    satisfied = models.IntegerField(_("满意"), default=0)
    rated_basic = models.IntegerField(_("基本满意"), default=0)
    supervisions = models.IntegerField(_("督办"), default=0)
    overdue_opened = models.IntegerField(_("新增超期"), default=0)
    whistles = models.IntegerField(_("吹哨"), default=0)

    # The region keys are plain ids (0: none): a town row is in no village, so a village sees only its own rows.
    scope_fields = {"town": "town", "village": "village", "grid": "grid"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        constraints = [models.UniqueConstraint(fields=list(DIMS), name="cockpit_rollup_key_uniq")]
        indexes = [
            models.Index(fields=["grain", "day", "town"], name="cockpit_rollup_day_town_idx"),
            models.Index(fields=["grain", "town", "day"], name="cockpit_rollup_town_day_idx"),
            models.Index(fields=["grain", "village", "day"], name="cockpit_rollup_village_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grid} {self.category} {self.channel}"


class CaseMark(models.Model):
    """What one case currently contributes to the rollups (a list of [day, town, village, grid,
    category, channel, counter, n]); the difference to its new contribution is applied with F()."""

    case_id = models.BigIntegerField(_("事件"), primary_key=True)
    contrib = models.JSONField(_("贡献"), default=list)

    class Meta:
        verbose_name = _("事件汇总标记")
        verbose_name_plural = _("事件汇总标记")

    def __str__(self) -> str:
        return str(self.case_id)
