"""The case loop: categories, cases, their immutable timeline, files, lead/assisting units,
whistles and supervision notices. State changes only through ``jishi.cases.services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from jishi.cases.choices import (
    AssignmentRole,
    AssignmentSource,
    AttachmentKind,
    Channel,
    CommandLevel,
    Priority,
    Rating,
    State,
    SupervisionKind,
    SupervisionLevel,
)
from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedQuerySet
from jishi.org.models import Department, Located, Person, Region

User = settings.AUTH_USER_MODEL


class Category(models.Model):
    """A case category: 大类 (no parent) or 小类 (parent is a 大类), with its default responsible
    department (by department code, resolved at dispatch), priority and time limits."""

    code = models.CharField(_("编码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey("self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    default_department_code = models.CharField(_("默认责任部门编码"), max_length=20, blank=True)
    default_priority = models.CharField(_("默认优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    ack_hours = models.DecimalField(_("签收时限(工作小时)"), max_digits=5, decimal_places=1, default=2)
    handle_days = models.PositiveSmallIntegerField(_("处置时限(工作日)"), default=5)
    urgent_handle_hours = models.PositiveSmallIntegerField(_("紧急处置时限(小时)"), default=24)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("事件分类")
        verbose_name_plural = _("事件分类")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name}/{self.name}" if self.parent_id and self.parent else self.name

    @property
    def is_leaf(self) -> bool:
        return self.parent_id is not None

    def default_department(self) -> Department | None:
        """The department of ``default_department_code`` (or the parent's); if no department has that
        code, the one whose short name the seed associates with it (see ``jishi.cases.seed``)."""
        from jishi.cases.seed import DEPARTMENT_CODES

        code = self.default_department_code or (self.parent.default_department_code if self.parent_id else "")
        if not code:
            return None
        dept = Department.objects.filter(code=code, is_active=True).first()
        if dept is None:
            short = next((s for s, c in DEPARTMENT_CODES.items() if c == code), None)
            dept = Department.objects.filter(short_name=short, is_active=True).order_by("code").first() if short else None
        return dept


REGION_LINKS = ("town", "village", "grid", "handling_region")  # the regions a case list or page shows
REGION_UNSHOWN = ("boundary", "lng", "lat", "area_km2", "created_at", "updated_at")  # GeoJSON: kilobytes a town


class CaseQuerySet(ScopedQuerySet):
    """Cases; ``with_regions()`` reads each fetched case's town, village, grid and handling region after the
    cases (``prefetch_related``, one short primary-key query per link, without the regions' boundaries),
    instead of joining the region table four times: with those four joins PostgreSQL spent ~22 ms *planning*
    a department inbox query that runs in 2 ms (city dataset, 2026-11-27)."""

    def with_regions(self) -> CaseQuerySet:
        return self.prefetch_related(*region_prefetches())

    def without_regions(self) -> CaseQuerySet:
        """Without any prefetch (``with_regions``' included): for a caller that fetches several lists and
        reads their regions in one go (``attach_regions``)."""
        return self.prefetch_related(None)


def region_prefetches() -> list[Prefetch]:
    """The prefetches of ``REGION_LINKS``, each region without the columns a list never shows."""
    shown = Region.objects.defer(*REGION_UNSHOWN)
    return [Prefetch(link, queryset=shown) for link in REGION_LINKS]


def attach_regions(cases: list) -> None:
    """Give each of ``cases`` its regions of ``REGION_LINKS``, read in one query (for several lists at once)."""
    ids = {getattr(c, f"{link}_id") for c in cases for link in REGION_LINKS} - {None}
    regions = Region.objects.defer(*REGION_UNSHOWN).in_bulk(ids) if ids else {}
    for c in cases:
        for link in REGION_LINKS:
            region = regions.get(getattr(c, f"{link}_id"))
            if region is not None:
                setattr(c, link, region)  # the same id: sets the relation's object, the row is unchanged


class Case(TimeStampedModel, Located):
    """One problem, whatever channel brought it (事件/工单), and where it is in the loop."""

    objects = CaseQuerySet.as_manager()

    number = models.CharField(_("编号"), max_length=24, unique=True)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, db_index=True)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="cases")
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("描述"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    reporter = models.ForeignKey(Person, verbose_name=_("上报人"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reported_cases")
    reporter_user = models.ForeignKey(User, verbose_name=_("上报账号"), null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="reported_cases")
    reporter_name = models.CharField(_("上报人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("上报人电话"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    external_ref = models.CharField(_("外部编号(热线工单号)"), max_length=64, null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=100, null=True, blank=True, unique=True)

    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REPORTED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    command_level = models.CharField(_("指挥层级"), max_length=8, choices=CommandLevel.choices,
                                     default=CommandLevel.TOWN)
    handling_department = models.ForeignKey(Department, verbose_name=_("当前承办部门"), null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="handling_cases")
    handling_region = models.ForeignKey(Region, verbose_name=_("当前承办区域"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="handling_cases")
    suspended_from = models.CharField(_("挂起前状态"), max_length=12, blank=True)

    ack_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("处置时限"), null=True, blank=True)
    reported_at = models.DateTimeField(_("上报时间"), db_index=True)
    accepted_at = models.DateTimeField(_("立案时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查通过时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期(工作日)"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    supervision_level = models.CharField(_("督办等级"), max_length=8, choices=SupervisionLevel.choices,
                                         default=SupervisionLevel.NONE)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    resolved_on_spot = models.BooleanField(_("自行处置"), default=False)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_ref"], condition=Q(external_ref__isnull=False),
                                    name="case_channel_external_ref_uniq"),
        ]
        indexes = [
            models.Index(fields=["state", "town"], name="case_state_town_idx"),
            models.Index(fields=["state", "handling_department"], name="case_state_dept_idx"),
            models.Index(fields=["grid", "created_at"], name="case_grid_created_idx"),
            models.Index(fields=["village", "state"], name="case_village_state_idx"),
            models.Index(fields=["reporter", "created_at"], name="case_reporter_idx"),
            models.Index(fields=["category", "created_at"], name="case_category_created_idx"),
            models.Index(fields=["state", "handle_due_at"], name="case_state_handle_due_idx"),
            # a department inbox's 超期/临期 tabs (cases.due: the department in each branch of the OR)
            models.Index(fields=["handling_department", "state", "handle_due_at"], name="case_dept_state_due_idx"),
            # recently closed (the grid list's and the boards' 已结案 sections): without it SQLite walked every
            # closed case of the city by state (87 ms of a grid worker's list at city scale)
            models.Index(fields=["state", "closed_at"], name="case_state_closed_idx"),
            # newest-first lists (the API's created_at order, the board's reported_at order), city-wide and per town:
            # without them a city commander's first page sorted all of a year's cases (120 ms at city scale)
            models.Index(fields=["created_at", "id"], name="case_created_idx"),
            models.Index(fields=["reported_at", "id"], name="case_reported_idx"),
            models.Index(fields=["town", "created_at", "id"], name="case_town_created_idx"),
            models.Index(fields=["town", "reported_at", "id"], name="case_town_reported_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> Q | None:
        """Region roles by the location columns; departments by a lead/assisting assignment
        (dispatch or whistle) naming them; anyone by the reports their account made (``scope.user``:
        empty through a port limited to a region or department); a person with no post (resident,
        informant…) also by the reports naming them as reporter."""
        if scope.everything:
            return Q()
        q: Q | None = None

        def add(part: Q) -> None:
            nonlocal q
            q = part if q is None else q | part

        for dim in ("town", "village", "grid", "microgrid"):
            ids = getattr(scope, dim)
            if ids:
                add(Q(**{f"{dim}_id__in": sorted(ids)}))
        if scope.department:
            depts = sorted(scope.department)
            add(Q(Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), department_id__in=depts))))
        if scope.person and not scope.regional:
            add(Q(reporter_id__in=sorted(scope.person)))
        if scope.user:
            add(Q(reporter_user_id__in=sorted(scope.user)))
        return q

    @classmethod
    def scope_contains(cls, scope, action: str, obj: Case) -> bool:
        """``scope_q`` decided for one case in memory: its location and reporter columns first; the
        departments' rule reads ``obj.assignments.all()`` — the prefetched rows when the caller prefetched
        them (a page, intake's new case), else one small query."""
        if scope.everything:
            return True
        if any(getattr(obj, f"{dim}_id") in getattr(scope, dim) for dim in ("town", "village", "grid", "microgrid")):
            return True
        if obj.reporter_user_id is not None and obj.reporter_user_id in scope.user:
            return True
        if scope.person and not scope.regional and obj.reporter_id in scope.person:
            return True
        if scope.department and obj.pk is not None:
            return any(a.department_id in scope.department for a in obj.assignments.all())
        return False

    @property
    def is_open(self) -> bool:
        from jishi.cases.choices import OPEN_STATES

        return self.state in OPEN_STATES


class CaseAssignment(models.Model):
    """A unit working on a case: the lead (主办) or an assisting unit (协办), by dispatch or whistle.
    Departments see the cases they have an assignment on (data scope)."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="case_assignments")
    role = models.CharField(_("角色"), max_length=8, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    source = models.CharField(_("来源"), max_length=10, choices=AssignmentSource.choices, default=AssignmentSource.DISPATCH)
    whistle = models.ForeignKey("Whistle", verbose_name=_("吹哨"), null=True, blank=True, on_delete=models.CASCADE,
                                related_name="assignments")
    assigned_at = models.DateTimeField(_("派遣时间"))
    assigned_by = models.ForeignKey(User, verbose_name=_("派遣人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    due_at = models.DateTimeField(_("签收/报到时限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收/报到时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)  # returned or replaced
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], condition=Q(is_active=True),
                                    name="case_assignment_active_uniq"),
        ]
        indexes = [models.Index(fields=["department", "case"], name="assignment_dept_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.department_id}:{self.role}"


class Whistle(models.Model):
    """A whistle (吹哨) blown by a village or town on a case it cannot solve alone."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="whistles")
    region = models.ForeignKey(Region, verbose_name=_("吹哨区域"), on_delete=models.PROTECT, related_name="+")
    blown_by = models.ForeignKey(User, verbose_name=_("吹哨人"), null=True, on_delete=models.SET_NULL, related_name="+")
    blown_at = models.DateTimeField(_("吹哨时间"))
    reason = models.CharField(_("事由"), max_length=300)
    report_in_due_at = models.DateTimeField(_("报到时限"))

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.blown_at:%Y-%m-%d}"


class CaseEvent(models.Model):
    """One row of the immutable timeline: who, in which role, when, from→to, note, files."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(_("动作"), max_length=20)
    actor = models.ForeignKey(User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=60, blank=True)
    actor_role = models.CharField(_("角色"), max_length=20, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    at = models.DateTimeField(_("时间"), db_index=True)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("事件流转记录")
        verbose_name_plural = _("事件流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.verb} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("CaseEvent rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("CaseEvent rows are immutable")


def _upload_to(instance: Attachment, filename: str) -> str:
    from django.utils import timezone

    now = timezone.localtime()
    return f"cases/{now:%Y}/{now:%m}/{filename}"


class Attachment(models.Model):
    """A validated photo or document of a case (stored under MEDIA_ROOT/cases/YYYY/MM/)."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, verbose_name=_("流转记录"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="attachments")
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    content_type = models.CharField(_("内容类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class Supervision(models.Model):
    """A supervision notice (督办): yellow at near-due, red at overdue, raised by the sweep
    (once per case, kind, level and due time) or by a commander by hand with a note."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="supervisions")
    kind = models.CharField(_("类型"), max_length=12, choices=SupervisionKind.choices)
    level = models.CharField(_("等级"), max_length=8, choices=SupervisionLevel.choices)
    department = models.ForeignKey(Department, verbose_name=_("被督办部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("所督时限"), null=True, blank=True)
    by = models.ForeignKey(User, verbose_name=_("督办人"), null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.CharField(_("督办意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("督办时间"), db_index=True)
    # the supervised department's answer (``cases.replies.reply_to_supervision``): what it did, when it will finish
    reply = models.CharField(_("督办回复"), max_length=500, blank=True)
    reply_finish_by = models.DateField(_("承诺办结日期"), null=True, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(User, verbose_name=_("回复人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reply_department = models.ForeignKey(Department, verbose_name=_("回复部门"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "level", "due_at"],
                                    condition=~Q(kind="manual"), name="supervision_auto_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.level}"
