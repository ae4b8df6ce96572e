"""Engagement: micro-wishes (微心愿) and the three lists — needs, resources, micro-projects (揭榜挂帅).

Every row sits in the village (or town) it belongs to (``Located`` columns: the data scope of cadres and
commanders). A wish also reaches its wisher, its claimant and the account that posted it; published wishes and
open calls are public (``policy.PUBLIC_ACTION``), shown without personal data. Every change is one
``EngageEvent`` written by ``timeline.emit()``; the points award and the notices follow as consumers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jishi.cases.models import Case
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.engage.choices import (
    PUBLIC_PROJECT_STATES,
    WALL_STATES,
    ClaimantKind,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    Verb,
    WishKind,
    WishSource,
    WishState,
)
from jishi.org.models import LOCATED_SCOPE, Located, Person, Region

User = settings.AUTH_USER_MODEL
PUBLIC = "public"  # org.policy.PUBLIC_ACTION


class Wish(TimeStampedModel, Located):
    """A small wish of a resident (a wheelchair, a visit, a repair) until a volunteer fulfils it and the
    wisher thanks them."""

    number = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("心愿"), max_length=60)
    content = models.TextField(_("心愿内容"), blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=WishKind.choices, default=WishKind.GOODS)
    source = models.CharField(_("来源"), max_length=10, choices=WishSource.choices, default=WishSource.RESIDENT)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    urgent = models.BooleanField(_("急难愁盼"), default=False)
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    wisher = models.ForeignKey(Person, verbose_name=_("心愿人"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    wisher_name = models.CharField(_("心愿人姓名"), max_length=50)
    wisher_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    posted_by = models.ForeignKey(User, verbose_name=_("提交账号"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=WishState.choices, default=WishState.SUBMITTED,
                             db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    posted_at = models.DateTimeField(_("提出时间"), db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    reject_reason = models.CharField(_("不通过原因"), max_length=200, blank=True)
    claimant = models.ForeignKey(Person, verbose_name=_("认领人"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    claimant_kind = models.CharField(_("认领人身份"), max_length=14, choices=ClaimantKind.choices, blank=True)
    claimant_unit = models.CharField(_("认领单位"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    fulfil_note = models.CharField(_("完成情况"), max_length=500, blank=True)
    fulfil_photo = models.FileField(_("完成照片"), upload_to="engage/%Y/%m/", blank=True)
    thanked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    thanks_note = models.CharField(_("感谢留言"), max_length=300, blank=True)
    case = models.OneToOneField(Case, verbose_name=_("转办事件"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="wish")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="wish_village_state_idx"),
                   models.Index(fields=["state", "posted_at"], name="wish_state_posted_idx")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """Public: the wall's states. Otherwise the region (staff), the wisher's and claimant's person, the
        posting account."""
        if action == PUBLIC:
            return Q(state__in=WALL_STATES) if scope.everything else None
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        parts = [q] if q is not None else []
        if scope.person:
            ids = sorted(scope.person)
            parts += [Q(wisher_id__in=ids), Q(claimant_id__in=ids)]
        if scope.user:
            parts.append(Q(posted_by_id__in=sorted(scope.user)))
        if not parts:
            return None
        out = parts[0]
        for p in parts[1:]:
            out |= p
        return out

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if action == PUBLIC:  # (``holds`` answers an everything scope itself; the wall reads through restrict)
            return scope.everything and obj.state in WALL_STATES
        if scope.everything or scope.contains_row(LOCATED_SCOPE, obj):
            return True
        return (obj.wisher_id in scope.person or obj.claimant_id in scope.person
                or obj.posted_by_id in scope.user) if (scope.person or scope.user) else False


class Brand(TimeStampedModel, Located):
    """A named service team (品牌), e.g. 老娘舅帮帮团, 幸福敲门日, with its projects."""

    name = models.CharField(_("品牌名称"), max_length=40)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("简介"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务品牌")
        verbose_name_plural = _("服务品牌")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="engage_brand_region_name_uniq")]

    def __str__(self) -> str:
        return self.name


class Need(TimeStampedModel, Located):
    """A need on the needs list (需求清单): from residents, a wish, a visit or a case."""

    title = models.CharField(_("需求"), max_length=80)
    description = models.TextField(_("需求说明"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=NeedSource.choices, default=NeedSource.RESIDENT)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    wish = models.OneToOneField(Wish, verbose_name=_("来源心愿"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="need")
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=8, choices=NeedState.choices, default=NeedState.OPEN, db_index=True)
    closed_by = models.ForeignKey("Project", verbose_name=_("解决项目"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="closed_needs")
    closed_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Resource(TimeStampedModel, Located):
    """A resource on the resources list (资源清单) offered by a partner unit or 结对 department."""

    provider = models.CharField(_("提供单位"), max_length=100)
    kind = models.CharField(_("资源类型"), max_length=10, choices=ResourceKind.choices)
    description = models.CharField(_("资源内容"), max_length=300)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2, default=1)
    unit = models.CharField(_("单位"), max_length=10, blank=True, help_text=_("如：元、平方米、人、小时"))
    region = models.ForeignKey(Region, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源清单")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider}：{self.description}"


class Project(TimeStampedModel, Located):
    """A micro-project (区域化党建微项目) matching needs to resources, published as an open call (榜单)."""

    number = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    title = models.CharField(_("项目名称"), max_length=80)
    goals = models.TextField(_("项目目标"))
    budget = models.DecimalField(_("预算(元)"), max_digits=12, decimal_places=2, default=0)
    deadline = models.DateField(_("完成时限"))
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+")
    brand = models.ForeignKey(Brand, verbose_name=_("服务品牌"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="projects")
    needs = models.ManyToManyField(Need, verbose_name=_("解决的需求"), blank=True, related_name="projects")
    resources = models.ManyToManyField(Resource, verbose_name=_("对接资源"), blank=True, related_name="projects")
    state = models.CharField(_("状态"), max_length=10, choices=ProjectState.choices, default=ProjectState.DRAFT,
                             db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    taker_unit = models.CharField(_("揭榜单位"), max_length=100, blank=True)
    awarded_at = models.DateTimeField(_("选定时间"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    residents_rating = models.PositiveSmallIntegerField(_("群众评价(1-5)"), null=True, blank=True)
    review_note = models.CharField(_("验收意见"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("微项目")
        verbose_name_plural = _("微项目")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="project_village_state_idx")]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """Public: the calls (榜单) published and after; otherwise the region; a unit's account reaches the
        projects it bid on."""
        if action == PUBLIC:
            return Q(state__in=PUBLIC_PROJECT_STATES) if scope.everything else None
        if scope.everything:
            return Q()
        q = scope.q(LOCATED_SCOPE)
        if scope.user:
            mine = Q(pk__in=Bid.objects.filter(bidder_id__in=sorted(scope.user)).values("project_id"))
            q = mine if q is None else q | mine
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        if action == PUBLIC:
            return scope.everything and obj.state in PUBLIC_PROJECT_STATES
        if scope.everything or scope.contains_row(LOCATED_SCOPE, obj):
            return True
        return bool(scope.user) and Bid.objects.filter(project_id=obj.pk, bidder_id__in=sorted(scope.user)).exists()


class Bid(models.Model):
    """A unit taking the call (揭榜) with its plan; the village or town chooses one."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="bids")
    unit = models.CharField(_("揭榜单位"), max_length=100)
    plan = models.TextField(_("实施方案"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bidder = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("揭榜时间"))
    chosen = models.BooleanField(_("中选"), default=False)

    class Meta:
        verbose_name = _("揭榜")
        verbose_name_plural = _("揭榜")
        ordering = ["submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="engage_bid_project_unit_uniq")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.project_id}"


class Progress(models.Model):
    """A progress report (milestone) of a project with its photo."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    at = models.DateTimeField(_("时间"))
    percent = models.PositiveSmallIntegerField(_("进度(%)"))
    note = models.CharField(_("进展情况"), max_length=500)
    photo = models.FileField(_("照片"), upload_to="engage/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.percent}%"


class EngageEvent(models.Model):
    """The engagement timeline (its outbox): one row per change, written only by ``timeline.emit``."""

    wish = models.ForeignKey(Wish, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=16, choices=Verb.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=60, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("心愿与项目时间线")
        verbose_name_plural = _("心愿与项目时间线")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d %H:%M}"
