"""新就业群体 (小蜜蜂): couriers and riders who join the grids as informants (聚新入格), the stations (驿站) they
belong to, the caring merchants (爱心商家) that accept their 公益积分, and the care fund (关爱基金).

A station is a row of its own linked one-to-one to the venue of kind 小蜜蜂驿站 (``org.Venue``): the venue is
where it is on the map and what the venue pages show; the station adds what only this domain knows (its manager,
its members). 公益积分 are not kept here: they are a programme of the points ledger (``jishi.points``, account
kinds ``welfare*``; a caring merchant is a ``points.Merchant`` of programme 公益积分).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.bees.choices import (
    FundEntryKind,
    GrantReason,
    GrantState,
    MerchantCategory,
    Platform,
    RiderState,
    Verb,
)
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Located, Person, Region, StaffAssignment, Venue

User = settings.AUTH_USER_MODEL


def through(prefix: str, fields: dict[str, str]) -> dict[str, str]:
    return {dim: f"{prefix}__{column}" for dim, column in fields.items()}


class Station(TimeStampedModel, Located):
    """A 小蜜蜂驿站: a rest and meeting point of riders and couriers, on the map through its venue."""

    venue = models.OneToOneField(Venue, verbose_name=_("服务阵地"), on_delete=models.PROTECT, related_name="bee_station")
    name = models.CharField(_("名称"), max_length=120)
    manager = models.ForeignKey(Person, verbose_name=_("站长"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    scope_fields = {**LOCATED_SCOPE, "person": "manager_id"}

    class Meta:
        verbose_name = _("小蜜蜂驿站")
        verbose_name_plural = _("小蜜蜂驿站")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Rider(TimeStampedModel, Located):
    """A courier's or rider's registration as a 小蜜蜂 (an informant), placed where their station is. On approval
    the person gets an informant post at the station's place (``post``)."""

    user = models.ForeignKey(User, verbose_name=_("申请账号"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    platform = models.CharField(_("所属平台"), max_length=10, choices=Platform.choices)
    platform_other = models.CharField(_("其他平台名称"), max_length=30, blank=True)
    station = models.ForeignKey(Station, verbose_name=_("所属驿站"), on_delete=models.PROTECT, related_name="riders")
    rounds = models.ManyToManyField(Region, verbose_name=_("配送片区（网格）"), blank=True, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=RiderState.choices, default=RiderState.PENDING,
                             db_index=True)
    reviewed_by = models.ForeignKey(User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    post = models.ForeignKey(StaffAssignment, verbose_name=_("小蜜蜂岗位"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    scope_fields = {**LOCATED_SCOPE, "person": "person_id", "user": "user_id"}

    class Meta:
        verbose_name = _("小蜜蜂")
        verbose_name_plural = _("小蜜蜂")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(state__in=["pending", "approved"]),
                                               name="bees_rider_one_open_per_user")]
        indexes = [models.Index(fields=["station", "state"], name="bees_rider_station_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def platform_label(self) -> str:
        return self.platform_other if self.platform == Platform.OTHER and self.platform_other else \
            self.get_platform_display()


class CaringMerchant(TimeStampedModel, Located):
    """A 爱心商家 (restaurant, pharmacy, supermarket): what it offers riders, and its shop in the points ledger
    (a ``points.Merchant`` of programme 公益积分, where 公益积分 vouchers are confirmed)."""

    merchant = models.OneToOneField("points.Merchant", verbose_name=_("积分商户"), on_delete=models.PROTECT,
                                    related_name="caring")
    category = models.CharField(_("类别"), max_length=12, choices=MerchantCategory.choices)
    offers = models.CharField(_("爱心服务"), max_length=200, help_text=_("如 免费饮水、歇脚充电、爱心餐、药品折扣"))
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        verbose_name = _("爱心商家")
        verbose_name_plural = _("爱心商家")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return str(self.merchant)


class Fund(TimeStampedModel, Located):
    """A 关爱基金 of a town (or of the city: no town). ``balance`` (yuan) is a cache changed only by
    ``fund.py`` with a conditional ``UPDATE … WHERE balance >= amount``; the entries are its ledger."""

    name = models.CharField(_("名称"), max_length=100)
    balance = models.DecimalField(_("余额(元)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("关爱基金")
        verbose_name_plural = _("关爱基金")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="bees_fund_non_negative")]

    def __str__(self) -> str:
        return self.name


class Grant(TimeStampedModel, Located):
    """A rider's application for care (关爱救助): reason, story, amount asked; reviewed by the town, then paid."""

    fund = models.ForeignKey(Fund, verbose_name=_("关爱基金"), on_delete=models.PROTECT, related_name="grants")
    rider = models.ForeignKey(Rider, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="grants")
    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("申请事由"), max_length=10, choices=GrantReason.choices)
    story = models.CharField(_("情况说明"), max_length=500)
    requested = models.DecimalField(_("申请金额(元)"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("批准金额(元)"), max_digits=10, decimal_places=2, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=GrantState.choices, default=GrantState.APPLIED,
                             db_index=True)
    reviewed_by = models.ForeignKey(User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)

    scope_fields = {**LOCATED_SCOPE, "person": "person_id"}

    class Meta:
        verbose_name = _("关爱救助")
        verbose_name_plural = _("关爱救助")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rider} {self.get_reason_display()}"


class FundEntry(models.Model):
    """One change of a fund (append-only): income (+) or a grant paid (−)."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=10, choices=FundEntryKind.choices)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    at = models.DateTimeField(_("时间"), db_index=True)
    source = models.CharField(_("来源/去向"), max_length=100)
    grant = models.OneToOneField(Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="payment")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_fields = through("fund", LOCATED_SCOPE)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("基金收支")
        verbose_name_plural = _("基金收支")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class BeesEvent(models.Model):
    """The 小蜜蜂 timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    rider = models.ForeignKey(Rider, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    grant = models.ForeignKey(Grant, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    fund = models.ForeignKey(Fund, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=16, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("小蜜蜂时间线")
        verbose_name_plural = _("小蜜蜂时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
