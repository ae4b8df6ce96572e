"""Org read endpoints (/api/v1/org): regions, people (masked unless the role needs full data), departments.

Every queryset is ``Model.objects.restrict(request.actor, "view")`` — the same deny-by-default scope as the
pages; a token's Actor is narrowed by its port.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from jishi.http.auth import RateLimited, require_scope
from jishi.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of, paginate
from jishi.http.types import Cursor, Id, PathId
from jishi.org.choices import Level
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Person, Region
from jishi.org.policy import may_see_personal_data
from jishi.org.privacy import mask_address, mask_id_number, mask_phone
from jishi.org.queries import TooManyNumberSearches, search_people

router = Router()


class RegionOut(Schema):
    id: int
    level: str
    kind: str
    code: str
    name: str
    parent_id: int | None
    town_id: int | None
    village_id: int | None
    grid_id: int | None
    lng: float | None
    lat: float | None


class RegionDetail(RegionOut):
    path: str
    area_km2: float | None
    boundary: dict | None


class RegionFilters(Schema):
    level: Level | None = None
    parent: Id | None = None
    q: str | None = Field(None, max_length=50, description="名称包含")
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/regions", response=page_of(RegionOut), summary="区域列表")
@require_scope("org:read")
def list_regions(request: HttpRequest, filters: Query[RegionFilters]):
    qs = Region.objects.restrict(actor_of(request), "view")
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",), descending=False)


@router.get("/regions/{region_id}", response=RegionDetail, summary="区域详情")
@require_scope("org:read")
def get_region(request: HttpRequest, region_id: PathId):
    return get_object_or_404(Region.objects.restrict(actor_of(request), "view"), pk=region_id)


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    phone: str
    id_number: str
    address: str
    is_party_member: bool
    town_id: int | None
    village_id: int | None
    grid_id: int | None
    microgrid_id: int | None
    masked: bool = Field(description="电话、身份证号、地址是否已脱敏")


class PeopleFilters(Schema):
    q: str | None = Field(None, max_length=50, description=(
        "姓名包含。含数字即按号码查找：仅可查看完整个人信息的角色可用（完整手机号、身份证号或其后 4–6 位），"
        "每账号每分钟限次（超出 429）并记入审计；看到脱敏号码的角色按号码查找一律 422（docs/privacy.md）"))
    grid: Id | None = None
    cursor: Cursor | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _person_out(p: Person, full: bool) -> dict:
    return {
        "id": p.pk, "name": p.name, "gender": p.gender, "is_party_member": p.is_party_member,
        "phone": p.phone if full else mask_phone(p.phone),
        "id_number": p.id_number if full else mask_id_number(p.id_number),
        "address": p.address if full else mask_address(p.address),
        "town_id": p.town_id, "village_id": p.village_id, "grid_id": p.grid_id, "microgrid_id": p.microgrid_id,
        "masked": not full,
    }


@router.get("/people", response=page_of(PersonOut), summary="人员查询（个人信息按角色脱敏）")
@require_scope("org:read")
def list_people(request: HttpRequest, filters: Query[PeopleFilters]):
    actor = actor_of(request)
    full = may_see_personal_data(actor)
    try:  # the page's rule: no search by number for a viewer who sees numbers masked (422), limited, audited
        qs = search_people(actor, filters.q or "", where="api", name_match="contains")
    except TooManyNumberSearches as exc:
        raise RateLimited(exc.limit, exc.retry_after) from exc
    if filters.grid:
        qs = qs.filter(grid_id=filters.grid)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit, keys=("id",), descending=False)
    page["items"] = [_person_out(p, full) for p in page["items"]]
    return page


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    region_id: int
    parent_id: int | None
    phone: str
    is_active: bool


@router.get("/departments", response=list[DepartmentOut], summary="部门列表")
@require_scope("org:read")
def list_departments(request: HttpRequest, active: bool = True):
    qs = Department.objects.restrict(actor_of(request), "view")
    return list(qs.filter(is_active=True) if active else qs)
