"""The verbs of the city model. Each checks permission and invariants, writes the audit record,
and is what pages, API, imports and tests call."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from jishi.core import audit
from jishi.core.errors import Conflict, PermissionDenied, ValidationFailed
from jishi.org.choices import CHILD_LEVEL, LEVEL_ORDER, Level, RegionKind
from jishi.org.geo import validate_boundary
from jishi.org.models import Located, Region, StaffAssignment
from jishi.org.policy import as_actor, may_reshape_regions

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
    if not may_reshape_regions(as_actor(actor)):
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
def end_assignment(actor, assignment: StaffAssignment) -> StaffAssignment:
    _require_admin(actor)
    assignment.is_active = False
    assignment.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, "staff.end", assignment, summary=f"{assignment.person.name}离岗")
    return assignment


# --- moving a region ----------------------------------------------------------------------------------

ANCESTOR_LEVELS = ("town", "village", "grid", "microgrid")


def located_models() -> list[type]:
    """Every concrete model whose table holds the ``Located`` ancestor columns (found through the app
    registry: org knows no domain app)."""
    return [m for m in apps.get_models()
            if issubclass(m, Located) and not m._meta.proxy and m._meta.get_field("town") in m._meta.local_fields]


def check_move(region: Region, new_parent: Region | None) -> tuple[Region, Region]:
    """Whether ``region`` may be moved under ``new_parent``: (the region and the new parent as stored now).
    Raises ValidationFailed (not possible in the tree) or Conflict (the code is taken under the new parent).
    ``region.code`` is taken as given (a form may change it in the same save)."""
    current = Region.objects.filter(pk=region.pk).first() if region.pk else None
    if current is None:
        raise ValidationFailed("要移动的区域不存在", field="parent")
    if current.parent_id is None or current.level == Level.CITY:
        raise ValidationFailed(f"“{current.name}”是全市的根区域，不能移动", field="parent")
    if new_parent is None:
        raise ValidationFailed(f"{Level(current.level).label}“{current.name}”必须有上级区域", field="parent")
    target = Region.objects.filter(pk=new_parent.pk).first() if new_parent.pk else None
    if target is None:
        raise ValidationFailed("新的上级区域不存在", field="parent")
    if target.pk == current.pk or current.pk in target.ancestor_ids():
        raise ValidationFailed(f"不能把“{current.name}”移到它自己或它的下级“{target.name}”之下", field="parent")
    if CHILD_LEVEL.get(Level(target.level)) != current.level:
        raise ValidationFailed(
            f"“{current.name}”是{Level(current.level).label}，只能放在{_parent_label(current.level)}之下，"
            f"不能放在{Level(target.level).label}“{target.name}”之下", field="parent")
    if Region.objects.filter(parent=target, code=region.code).exclude(pk=current.pk).exists():
        raise Conflict(f"“{target.name}”下已有编码为“{region.code}”的区域", field="code")
    return current, target


def _parent_label(level: str) -> str:
    i = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[i - 1].label if i > 0 else ""


@transaction.atomic
def move_region(actor, region: Region, new_parent: Region) -> dict:
    """Move ``region`` (and everything under it) to ``new_parent``, one level up: rewrite in bulk the path
    and ancestor columns of the region and its descendants, and the ancestor columns of every located row
    (cases, people, households, accounts, ...) placed in it, so data scope follows at once. One audit row.
    Admin (or system) only; an illegal move raises and changes nothing. Returns the counts changed.
    ``region`` is refreshed in memory (parent, path, ancestor columns)."""
    actor = as_actor(actor)
    if not may_reshape_regions(actor):
        raise PermissionDenied("只有系统管理员可以调整区域的上级")
    current, target = check_move(region, new_parent)
    counts: dict[str, int] = {}
    if current.parent_id != target.pk:
        # The columns of the levels above the moved region follow the new parent; the region's own
        # column and those below it (the region itself, its descendants) do not change.
        above = ANCESTOR_LEVELS[:ANCESTOR_LEVELS.index(current.level)] if current.level in ANCESTOR_LEVELS else ()
        columns = {f"{lv}_id": getattr(target, f"{lv}_id") for lv in above}
        old_path, new_path = current.path, f"{target.path}{current.pk}/"
        Region.objects.filter(pk=current.pk).update(parent=target)
        counts["org.region"] = Region.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), **columns)
        if columns:
            for model in located_models():
                n = model._base_manager.filter(**{f"{current.level}_id": current.pk}).update(**columns)
                if n:
                    counts[model._meta.label_lower] = n
        audit.record(actor.user, "region.move", current, role=actor.roles[0] if actor.roles else "",
                     summary=f"{Level(current.level).label}{current.name}从{current.parent.name}移到{target.name}",
                     data={"from_parent": current.parent_id, "to_parent": target.pk, "counts": counts})
    fresh = Region.objects.get(pk=current.pk)
    region.parent = target
    region.path = fresh.path
    for lv in ANCESTOR_LEVELS:
        setattr(region, f"{lv}_id", getattr(fresh, f"{lv}_id"))
    return counts
