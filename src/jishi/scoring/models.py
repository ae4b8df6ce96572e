"""Scoring schemes (versioned weights and grade bands) and frozen monthly boards (考核排名)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jishi.scoring.indicators import UNIT_TYPES

UNIT_TYPE_CHOICES = [(k, v) for k, v in UNIT_TYPES.items()]


class Scheme(models.Model):
    """A versioned scoring scheme for one unit type: weighted indicator terms and grade bands A–E.
    A published board row keeps the scheme version it was computed with; a change is a new version.

    ``terms``: ``[{"indicator": "closure_rate", "weight": 0.3, "invert": false}, …]`` where the
    pseudo-indicator ``volume`` is the unit's received count over the largest on the board.
    ``bands``: minimum score for each grade, e.g. ``{"A": 90, "B": 80, "C": 70, "D": 60}`` (else E)."""

    code = models.CharField(_("方案编码"), max_length=30)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=80)
    unit_type = models.CharField(_("考核对象"), max_length=12, choices=UNIT_TYPE_CHOICES)
    terms = models.JSONField(_("计分项"), default=list)
    bands = models.JSONField(_("等级分数线"), default=dict)
    min_volume = models.PositiveIntegerField(_("最低件数"), default=5)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["unit_type", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="scoring_scheme_code_version_uniq")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Board(models.Model):
    """A frozen monthly ranking of one unit type under one scheme version (公示 snapshot)."""

    unit_type = models.CharField(_("考核对象"), max_length=12, choices=UNIT_TYPE_CHOICES)
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    scheme = models.ForeignKey(Scheme, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="boards")
    scheme_version = models.PositiveIntegerField(_("方案版本"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("考核排名榜")
        verbose_name_plural = _("考核排名榜")
        ordering = ["-month", "unit_type"]
        constraints = [models.UniqueConstraint(fields=["unit_type", "month", "scheme"],
                                               name="scoring_board_type_month_scheme_uniq")]

    def __str__(self) -> str:
        return f"{self.month} {self.get_unit_type_display()} {self.scheme}"


class BoardRow(models.Model):
    """One unit on a board: its figures (num/den/value/interval per indicator), score, rank and grade."""

    board = models.ForeignKey(Board, verbose_name=_("榜单"), on_delete=models.CASCADE, related_name="rows")
    unit_id = models.BigIntegerField(_("单位ID"))
    unit_name = models.CharField(_("单位"), max_length=100)
    figures = models.JSONField(_("指标"), default=dict)
    volume = models.PositiveIntegerField(_("受理量"), default=0)
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)  # None: below the minimum volume
    grade = models.CharField(_("等级"), max_length=1, blank=True)

    class Meta:
        verbose_name = _("榜单行")
        verbose_name_plural = _("榜单行")
        ordering = ["board", "rank", "unit_name"]
        constraints = [models.UniqueConstraint(fields=["board", "unit_id"], name="scoring_boardrow_unit_uniq")]

    def __str__(self) -> str:
        return f"{self.board_id}:{self.unit_name}"
