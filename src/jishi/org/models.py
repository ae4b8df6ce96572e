"""The city model: regions (city → town → village → grid → micro-grid), party organisations,
departments, households and people, staff assignments (the grid force) and service venues.

Rows that belong somewhere carry denormalised ``town``/``village``/``grid``/``microgrid`` columns
(see ``Located``) so that data-scope filters are indexed equality lookups.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from jishi.core.models import TimeStampedModel
from jishi.core.scope import ScopedManager
from jishi.org.choices import (
    DepartmentKind,
    Gender,
    Level,
    PartyOrgKind,
    RegionKind,
    Role,
    VenueKind,
)

LOCATED_SCOPE = {"town": "town_id", "village": "village_id", "grid": "grid_id", "microgrid": "microgrid_id"}


class Region(TimeStampedModel):
    """A node of the region tree. ``path`` is the materialised path of ids (``/1/4/19/``) and the
    ancestor columns include the row itself (a town's ``town`` is itself)."""

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=12, choices=RegionKind.choices)
    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=100, db_index=True, editable=False)
    town = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("镇/街道"))
    village = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("村/社区"))
    grid = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("网格"))
    microgrid = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("微网格"))
    boundary = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    lng = models.FloatField(_("中心经度"), null=True, blank=True)
    lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    area_km2 = models.FloatField(_("面积(平方公里)"), null=True, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["parent", "code"], name="region_parent_code_uniq")]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]

    def fill_ancestors(self) -> None:
        """Set path and the denormalised ancestor columns from the parent. Needs ``pk``."""
        parent = self.parent
        self.path = f"{parent.path if parent else '/'}{self.pk}/"
        for lv in ("town", "village", "grid", "microgrid"):
            setattr(self, f"{lv}_id", self.pk if self.level == lv else (getattr(parent, f"{lv}_id") if parent else None))


class Located(models.Model):
    """Abstract base for rows that sit in a region: denormalised ancestor columns for scope."""

    town = models.ForeignKey(Region, verbose_name=_("镇/街道"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Region, verbose_name=_("村/社区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grid = models.ForeignKey(Region, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    microgrid = models.ForeignKey(Region, verbose_name=_("微网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    scope_fields = LOCATED_SCOPE
    objects = ScopedManager()

    class Meta:
        abstract = True

    def place_in(self, region: Region | None) -> None:
        """Fill the ancestor columns from the region the row sits in."""
        for lv in ("town", "village", "grid", "microgrid"):
            setattr(self, f"{lv}_id", getattr(region, f"{lv}_id") if region else None)

    @property
    def region(self) -> Region | None:
        return self.microgrid or self.grid or self.village or self.town


class Department(TimeStampedModel):
    """A functional department (条线), dispatched unit (派驻单位) or town office that handles cases."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=DepartmentKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey("self", verbose_name=_("上级部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope, action: str = "view") -> models.Q | None:
        """Departments are reference data for every member of staff (a commander dispatches to any of
        them, a grid worker sees who handles a case); a department sees itself; residents see none."""
        if scope.everything or scope.town or scope.village or scope.grid or scope.microgrid:
            return models.Q()
        if scope.department:
            return models.Q(id__in=sorted(scope.department))
        return None

    @classmethod
    def scope_contains(cls, scope, action: str, obj) -> bool:
        """``scope_q`` of one department, in memory."""
        if scope.everything or scope.town or scope.village or scope.grid or scope.microgrid:
            return True
        return obj.pk in scope.department


class PartyOrganization(TimeStampedModel, Located):
    """A party organisation at one level of the four-level structure (镇党委—村党组织—网格党组织—微网格)."""

    code = models.CharField(_("编码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=PartyOrgKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="party_orgs")
    parent = models.ForeignKey("self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    secretary = models.ForeignKey("Person", verbose_name=_("书记/负责人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member_count = models.PositiveIntegerField(_("党员数"), default=0)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Household(TimeStampedModel, Located):
    """A household (户): address and location; its members are ``Person`` rows."""

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    address = models.CharField(_("地址"), max_length=200)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_party_household = models.BooleanField(_("党员中心户"), default=False)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")

    def __str__(self) -> str:
        return f"{self.code} {self.address}"


class Person(TimeStampedModel, Located):
    """A person known to the city: resident, volunteer, cadre or staff. Personal data is masked
    in lists and exports unless the viewer's role needs it (see ``jishi.org.privacy``)."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    is_household_head = models.BooleanField(_("户主"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_party_member = models.BooleanField(_("党员"), default=False)
    party_org = models.ForeignKey(PartyOrganization, verbose_name=_("所在党组织"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    # Last four characters of ID number and phone, computed by the database: "search by the last
    # digits" (how staff ask a resident to identify themselves) is an indexed lookup at city scale.
    id_last4 = models.GeneratedField(
        expression=Right("id_number", 4), output_field=models.CharField(max_length=4), db_persist=True
    )
    phone_last4 = models.GeneratedField(
        expression=Right("phone", 4), output_field=models.CharField(max_length=4), db_persist=True
    )

    scope_fields = {**LOCATED_SCOPE, "person": "id"}

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        indexes = [
            models.Index(fields=["grid", "name"], name="person_grid_name_idx"),
            models.Index(fields=["id_last4"], name="person_id_last4_idx"),
            models.Index(fields=["phone_last4"], name="person_phone_last4_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffAssignment(TimeStampedModel, Located):
    """A person's post: a role in a region (grid force, cadre, commander) or in a department."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    specialty = models.CharField(_("条线/专长"), max_length=50, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    scope_fields = {**LOCATED_SCOPE, "department": "department_id"}

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        indexes = [models.Index(fields=["region", "role"], name="assignment_region_role_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class Venue(TimeStampedModel, Located):
    """A service venue: party-mass service centre, pioneer station, neighbourhood point, ..."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=24, choices=VenueKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="venues")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")

    def __str__(self) -> str:
        return self.name
