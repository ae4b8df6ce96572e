"""The verbs of the city model. Each checks permission and invariants, writes the audit record,
and is what pages, API, imports and tests call."""

from __future__ import annotations

from django.db import transaction

from jishi.core import audit
from jishi.core.errors import PermissionDenied, ValidationFailed
from jishi.org.choices import CHILD_LEVEL, ROLE_LEVEL, Level, RegionKind, Role
from jishi.org.geo import validate_boundary
from jishi.org.models import Department, Person, Region, StaffAssignment
from jishi.org.scope import roles_of

DEFAULT_KIND = {
    Level.CITY: RegionKind.CITY,
    Level.TOWN: RegionKind.TOWN,
    Level.VILLAGE: RegionKind.VILLAGE,
    Level.GRID: RegionKind.GRID,
    Level.MICROGRID: RegionKind.MICROGRID,
}


def _require_admin(actor) -> None:
    if actor is None:  # system jobs (demo generator, imports run from the command line)
        return
    if not (getattr(actor, "is_superuser", False) or Role.ADMIN in roles_of(actor)):
        raise PermissionDenied("只有系统管理员可以修改组织架构")


def build_region(parent: Region | None, level: str, code: str, name: str, *, kind: str = "", boundary=None) -> Region:
    """Validate and return an unsaved region (used by bulk loaders); raises ValidationFailed."""
    level = Level(level)
    if parent is None and level != Level.CITY:
        raise ValidationFailed(f"{Level(level).label}“{name}”必须有上级区域", field="parent")
    if parent is not None and CHILD_LEVEL.get(Level(parent.level)) != level:
        raise ValidationFailed(
            f"“{name}”的层级为{level.label}，不能放在{Level(parent.level).label}“{parent.name}”之下", field="level"
        )
    if not code or not code.isdigit():
        raise ValidationFailed(f"区域编码“{code}”必须是数字", field="code")
    region = Region(parent=parent, level=level, kind=kind or DEFAULT_KIND[level], code=code, name=name.strip())
    if boundary is not None:
        shape = validate_boundary(boundary)
        region.boundary = boundary
        c = shape.centroid
        region.lng, region.lat = round(c.x, 6), round(c.y, 6)
        region.area_km2 = round(shape.area * 111.32 * 111.32 * 0.85, 4)  # ~cos(31.8°) at the demo latitude
    return region


@transaction.atomic
def create_region(actor, parent: Region | None, level: str, code: str, name: str, *, kind: str = "", boundary=None) -> Region:
    _require_admin(actor)
    if Region.objects.filter(code=code).exists():
        raise ValidationFailed(f"区域编码“{code}”已存在", field="code")
    region = build_region(parent, level, code, name, kind=kind, boundary=boundary)
    region.path = ""
    region.save()
    region.fill_ancestors()
    region.save(update_fields=["path", "town", "village", "grid", "microgrid"])
    audit.record(actor, "region.create", region, summary=f"新建{region.get_level_display()}{region.name}", data={"code": code})
    return region


@transaction.atomic
def set_region_boundary(actor, region: Region, boundary) -> Region:
    _require_admin(actor)
    shape = validate_boundary(boundary)
    region.boundary = boundary
    region.lng, region.lat = round(shape.centroid.x, 6), round(shape.centroid.y, 6)
    region.save(update_fields=["boundary", "lng", "lat", "updated_at"])
    audit.record(actor, "region.boundary", region, summary=f"更新{region.name}边界")
    return region


@transaction.atomic
def assign_staff(actor, person: Person, role: str, *, region: Region | None = None,
                 department: Department | None = None, specialty: str = "") -> StaffAssignment:
    """Give a person a post. Region roles need a region of the right level; department handlers a department."""
    _require_admin(actor)
    role = Role(role)
    expected = ROLE_LEVEL.get(role)
    if role == Role.DEPARTMENT_HANDLER:
        if department is None:
            raise ValidationFailed("部门人员必须指定所属部门", field="department")
    elif expected is not None and (region is None or region.level != expected):
        raise ValidationFailed(f"{role.label}必须分配到{Level(expected).label}", field="region")
    assignment = StaffAssignment(person=person, role=role, region=region, department=department, specialty=specialty)
    assignment.place_in(region)
    assignment.save()
    audit.record(actor, "staff.assign", assignment, summary=f"{person.name}任{role.label}",
                 data={"role": role.value, "region": getattr(region, "pk", None), "department": getattr(department, "pk", None)})
    return assignment


@transaction.atomic
def end_assignment(actor, assignment: StaffAssignment) -> StaffAssignment:
    _require_admin(actor)
    assignment.is_active = False
    assignment.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, "staff.end", assignment, summary=f"{assignment.person.name}离岗")
    return assignment
