"""The villagers' points system: rules and village policies, accounts and the double-entry ledger,
claims and inspections, monthly public boards with objections, the points store and settlements.

The ledger is append-only: a ``Posting`` (one business event) has two or more ``Entry`` rows whose
amounts sum to zero. ``Account.balance`` is a cache changed only with ``F()`` in
``jishi.points.ledger``; ``jishi reconcile-points`` proves it equals the sum of entries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.models import LOCATED_SCOPE, Household, Located, Person, Region
from jishi.points.choices import (
    NON_NEGATIVE,
    AccountKind,
    Awarder,
    BoardStatus,
    CapPeriod,
    ClaimStatus,
    ItemKind,
    ObjectionStatus,
    OrderStatus,
    PostingKind,
    Programme,
)

User = settings.AUTH_USER_MODEL
# Data scope (``Model.objects.restrict(actor, action)`` / ``holds``; the grants are in ``jishi.org.policy``): a
# row is reached through the region columns it sits in (``Located``), a person's own rows through ``person``.
# Rows without a place of their own reach through the row they belong to; a model without a rule (the city
# template ``PointItem``) is reference data read by the services, not restricted.
PERSON_SCOPE = {**LOCATED_SCOPE, "person": "person_id"}


def through(prefix: str, fields: dict[str, str]) -> dict[str, str]:
    """The scope fields of a row reached through its ``prefix`` foreign key."""
    return {dim: f"{prefix}__{column}" for dim, column in fields.items()}


class PointItem(models.Model):
    """A point item of the city template (积分细则): e.g. 志愿服务 +5, 乱扔垃圾 −5. Towns and villages
    adopt and adjust items through a ``Policy``; ``points`` is the magnitude, ``kind`` the sign."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    points = models.PositiveIntegerField(_("分值"))
    cap_count = models.PositiveSmallIntegerField(_("每期上限(次)"), default=0, help_text=_("0 表示不限"))
    cap_period = models.CharField(_("上限周期"), max_length=6, choices=CapPeriod.choices, default=CapPeriod.NONE)
    evidence_required = models.BooleanField(_("需要佐证照片"), default=False)
    awarder = models.CharField(_("评定方式"), max_length=12, choices=Awarder.choices, default=Awarder.CADRE)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    exclusive_group = models.CharField(_("互斥组"), max_length=20, blank=True, help_text=_(
        "同组项目（如 庭院整洁 / 庭院脏乱）在一次检查中对同一户只能评定其一"))

    class Meta:
        verbose_name = _("积分项目")
        verbose_name_plural = _("积分项目")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        sign = "+" if self.kind == ItemKind.POSITIVE else "−"
        return f"{self.name} {sign}{self.points}"


class Policy(TimeStampedModel):
    """A versioned points policy of a town or village, adopted by a recorded decision (e.g. 村民代表
    大会决议). The newest version of a region wins; a village's values override its town's."""

    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("版本"))
    decision = models.CharField(_("决议"), max_length=200)
    decided_on = models.DateField(_("决议日期"))
    base_points = models.PositiveIntegerField(_("每人基础分"), null=True, blank=True)
    yearly_reset = models.BooleanField(_("可兑换积分年度清零"), null=True, blank=True)
    two_step_review = models.BooleanField(_("两级审核"), null=True, blank=True)
    decided_by = models.ForeignKey(User, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+")
    key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True,
                           help_text=_("接口调用的 Idempotency-Key：重复提交返回同一版本"))

    scope_fields = through("region", LOCATED_SCOPE)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("积分政策")
        verbose_name_plural = _("积分政策")
        ordering = ["region", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="points_policy_version_uniq")]

    def __str__(self) -> str:
        return f"{self.region} v{self.version}"


class PolicyItem(models.Model):
    """One adjusted item inside a policy version: different points, cap, or switched off."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目"), on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("分值"), null=True, blank=True)
    cap_count = models.PositiveSmallIntegerField(_("每期上限(次)"), null=True, blank=True)
    enabled = models.BooleanField(_("采用"), default=True)

    scope_fields = through("policy__region", LOCATED_SCOPE)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("政策积分项目")
        verbose_name_plural = _("政策积分项目")
        constraints = [models.UniqueConstraint(fields=["policy", "item"], name="points_policy_item_uniq")]

    def __str__(self) -> str:
        return f"{self.policy}: {self.item.code}"


class Merchant(TimeStampedModel, Located):
    """A points supermarket or shop (积分超市/商户) that redeems vouchers; its owner confirms at the shop."""

    name = models.CharField(_("名称"), max_length=100)
    owner = models.ForeignKey(Person, verbose_name=_("店主/核销人"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    yuan_per_point = models.DecimalField(_("结算标准(元/分)"), max_digits=6, decimal_places=3, default="0.100")
    is_active = models.BooleanField(_("启用"), default=True)
    programme = models.CharField(_("积分类别"), max_length=10, choices=Programme.choices, default=Programme.VILLAGE,
                                 help_text=_("村民积分超市只收村民积分；爱心商家只收公益积分"))

    scope_fields = {**LOCATED_SCOPE, "person": "owner_id"}

    class Meta:
        verbose_name = _("商户")
        verbose_name_plural = _("商户")

    def __str__(self) -> str:
        return self.name


class Account(Located):
    """A ledger account: a person's redeemable or honour points, or a system account of a village
    (issuance, honour source, voucher holds, objection freezes) or a merchant's takings."""

    kind = models.CharField(_("类型"), max_length=14, choices=AccountKind.choices)
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    merchant = models.ForeignKey(Merchant, verbose_name=_("商户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    balance = models.BigIntegerField(_("余额"), default=0)

    scope_fields = PERSON_SCOPE

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(condition=~Q(kind__in=list(NON_NEGATIVE)) | Q(balance__gte=0), name="points_account_non_negative"),
            models.UniqueConstraint(fields=["kind", "person"], condition=Q(person__isnull=False), name="points_account_person_uniq"),
            models.UniqueConstraint(fields=["kind", "merchant"], condition=Q(merchant__isnull=False), name="points_account_merchant_uniq"),
            models.UniqueConstraint(fields=["kind", "village"], condition=Q(person__isnull=True, merchant__isnull=True),
                                    name="points_account_system_uniq"),
        ]
        indexes = [models.Index(fields=["village", "kind", "balance"], name="points_account_rank_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Posting(Located):
    """One business event in the ledger (append-only). Its entries sum to zero. A correction is a new
    posting with ``reverses`` set, never an edit."""

    key = models.CharField(_("幂等键"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=PostingKind.choices, db_index=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    person = models.ForeignKey(Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("分值"), help_text=_("对本人可兑换积分的影响，正为增加"))
    honour = models.IntegerField(_("荣誉分"), default=0)
    reason = models.CharField(_("事由"), max_length=200)
    actor = models.ForeignKey(User, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField("self", verbose_name=_("冲正对象"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal")
    source = models.CharField(_("来源"), max_length=60, blank=True, help_text=_("如 claim:12、case:345"))

    scope_fields = PERSON_SCOPE

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="points_posting_person_idx"),
            models.Index(fields=["village", "at"], name="points_posting_village_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d} {self.reason}"


class Entry(models.Model):
    """One leg of a posting: an amount (signed) on one account."""

    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()

    scope_fields = through("account", PERSON_SCOPE)
    objects = ScopedManager()

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        indexes = [models.Index(fields=["account", "posting"], name="points_entry_account_idx")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount:+d}"


class Claim(TimeStampedModel, Located):
    """A villager's self-claim (申报) with photo evidence, reviewed by the village (two-step if the policy says)."""

    person = models.ForeignKey(Person, verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(PointItem, verbose_name=_("积分项目"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=300)
    photo = models.FileField(_("佐证照片"), upload_to="points/claims/%Y/%m/", blank=True)
    occurred_on = models.DateField(_("发生日期"))
    status = models.CharField(_("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, db_index=True)
    first_reviewer = models.ForeignKey(User, verbose_name=_("初审人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    posting = models.OneToOneField(Posting, verbose_name=_("积分记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = PERSON_SCOPE

    class Meta:
        verbose_name = _("积分申报")
        verbose_name_plural = _("积分申报")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} {self.item.name}"


class Inspection(TimeStampedModel, Located):
    """A batch inspection (检查评分, e.g. the monthly courtyard check) scoring many households in one form."""

    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(User, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="+")
    scored = models.PositiveIntegerField(_("评分户数"), default=0)
    key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True,
                           help_text=_("接口调用的 Idempotency-Key：重复提交返回同一次检查"))

    scope_fields = {**LOCATED_SCOPE, "user": "inspector_id"}

    class Meta:
        verbose_name = _("检查评分")
        verbose_name_plural = _("检查评分")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Board(TimeStampedModel, Located):
    """A village's monthly public board (公示榜): published for a notice period, then final and frozen."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    status = models.CharField(_("状态"), max_length=10, choices=BoardStatus.choices, default=BoardStatus.DRAFT)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    notice_until = models.DateTimeField(_("公示截止"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定榜时间"), null=True, blank=True)
    published_by = models.ForeignKey(User, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("积分公示榜")
        verbose_name_plural = _("积分公示榜")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["village", "month"], name="points_board_village_month_uniq")]

    def __str__(self) -> str:
        return f"{self.village} {self.month:%Y-%m}"


class BoardLine(models.Model):
    """A snapshot row of a board: one person's month (written at publication, rewritten once at finalisation)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("姓名"), max_length=50)
    earned = models.IntegerField(_("本月加分"))
    deducted = models.IntegerField(_("本月扣分"))
    honour_total = models.IntegerField(_("荣誉积分"))
    rank = models.PositiveIntegerField(_("排名"))

    scope_fields = {**through("board", LOCATED_SCOPE), "person": "person_id"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("公示榜行")
        verbose_name_plural = _("公示榜行")
        ordering = ["board", "rank"]
        constraints = [models.UniqueConstraint(fields=["board", "person"], name="points_boardline_uniq")]

    def __str__(self) -> str:
        return f"{self.rank}. {self.person_name}"


class Objection(TimeStampedModel, Located):
    """A villager's objection (异议) to a posting on a published board; the posting is frozen until resolved."""

    board = models.ForeignKey(Board, verbose_name=_("公示榜"), on_delete=models.PROTECT, related_name="objections")
    posting = models.ForeignKey(Posting, verbose_name=_("积分记录"), on_delete=models.PROTECT, related_name="objections")
    raised_by = models.ForeignKey(User, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    frozen = models.IntegerField(_("冻结分值"), default=0)
    resolution = models.CharField(_("处理意见"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(User, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = {**LOCATED_SCOPE, "user": "raised_by_id"}

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["posting"], condition=Q(status="open"), name="points_objection_open_uniq")]

    def __str__(self) -> str:
        return f"{self.posting_id}: {self.reason[:20]}"


class StoreItem(TimeStampedModel, Located):
    """A thing in the points store of a town or village: price in points, stock on the shelf, merchant.
    ``reserved`` counts units held by open vouchers; available = stock − reserved."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("商户"), on_delete=models.PROTECT, related_name="items")
    name = models.CharField(_("名称"), max_length=100)
    price = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"))
    reserved = models.PositiveIntegerField(_("已预订"), default=0)
    is_active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("兑换商品")
        verbose_name_plural = _("兑换商品")
        ordering = ["price"]
        constraints = [models.CheckConstraint(condition=Q(reserved__lte=models.F("stock")), name="points_item_reserved_lte_stock")]

    def __str__(self) -> str:
        return f"{self.name}（{self.price}分）"

    @property
    def available(self) -> int:
        return self.stock - self.reserved


class Order(TimeStampedModel, Located):
    """A redemption order: points held, a voucher code (and QR) shown at the shop, settled on confirmation."""

    key = models.CharField(_("幂等键"), max_length=100, unique=True)
    person = models.ForeignKey(Person, verbose_name=_("兑换人"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(StoreItem, verbose_name=_("商品"), on_delete=models.PROTECT, related_name="orders")
    merchant = models.ForeignKey(Merchant, verbose_name=_("商户"), on_delete=models.PROTECT, related_name="orders")
    points = models.PositiveIntegerField(_("积分"))
    code = models.CharField(_("兑换码"), max_length=12, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.HELD, db_index=True)
    expires_at = models.DateTimeField(_("有效期至"))
    confirmed_at = models.DateTimeField(_("核销时间"), null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(User, verbose_name=_("核销人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = PERSON_SCOPE

    class Meta:
        verbose_name = _("兑换订单")
        verbose_name_plural = _("兑换订单")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class Settlement(TimeStampedModel):
    """A merchant's monthly settlement statement: points redeemed × rate = subsidy amount."""

    merchant = models.ForeignKey(Merchant, verbose_name=_("商户"), on_delete=models.PROTECT, related_name="settlements")
    month = models.DateField(_("月份"))
    orders = models.PositiveIntegerField(_("核销笔数"))
    points = models.BigIntegerField(_("积分"))
    yuan_per_point = models.DecimalField(_("结算标准(元/分)"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("补贴金额(元)"), max_digits=12, decimal_places=2)

    scope_fields = {**through("merchant", LOCATED_SCOPE), "person": "merchant__owner_id"}
    objects = ScopedManager()

    class Meta:
        verbose_name = _("商户结算单")
        verbose_name_plural = _("商户结算单")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["merchant", "month"], name="points_settlement_uniq")]

    def __str__(self) -> str:
        return f"{self.merchant} {self.month:%Y-%m}"
