"""One demo login per role, attached to a real person of the demo city (town 1 / village 1 / grid 1 …).

Every demo login's password is ``jishi-demo``: demo data only, never on a real deployment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Exists, OuterRef

from jishi.org.choices import Role
from jishi.org.models import Person, Region, StaffAssignment

DEMO_PASSWORD = "jishi-demo"
# username == role code, in the order the table prints them
LOGIN_ROLES = [Role.ADMIN, Role.CITY_COMMANDER, Role.TOWN_COMMANDER, Role.VILLAGE_CADRE, Role.GRID_LEADER,
               Role.GRID_WORKER, Role.MICROGRID_LIAISON, Role.VOLUNTEER, Role.DEPARTMENT_HANDLER, Role.RESIDENT,
               Role.INFORMANT, Role.MERCHANT]


@dataclass
class DemoLogin:
    role: str
    username: str
    person: Person
    sees: str


def _first_town() -> Region:
    return Region.objects.filter(level="town").order_by("sort", "id").first()


def _first_assignment(role: str, town: Region) -> StaffAssignment | None:
    qs = StaffAssignment.objects.filter(role=role, person__user__isnull=True).select_related("person")
    if role == Role.DEPARTMENT_HANDLER:
        return qs.order_by("department__code", "id").first()
    if role == Role.CITY_COMMANDER:
        return qs.order_by("id").first()
    return qs.filter(town=town).order_by("region_id", "id").first()


def _resident(town: Region) -> Person | None:
    """A household head without a post, in the town's first micro-grid (an indexed, small lookup)."""
    busy = StaffAssignment.objects.filter(person=OuterRef("pk"))
    for mg in Region.objects.filter(level="microgrid", town=town).order_by("id").values_list("id", flat=True)[:20]:
        person = (Person.objects.filter(microgrid_id=mg, household__isnull=False, is_household_head=True,
                                        user__isnull=True).exclude(Exists(busy)).order_by("id").first())
        if person is not None:
            return person
    return None


def create_logins() -> list[DemoLogin]:
    """Create (or re-point) the demo logins. Needs the demo city's regions and staff."""
    User = get_user_model()
    town = _first_town()
    city = Region.objects.get(level="city")
    password = make_password(DEMO_PASSWORD)  # hashed once: twelve slow hashes would double the small load time
    made = []
    for role in LOGIN_ROLES:
        if role == Role.ADMIN:
            person = Person.objects.create(name="系统管理员", phone="")
            StaffAssignment.objects.create(person=person, role=Role.ADMIN, region=city)
        elif role == Role.RESIDENT:
            person = _resident(town)
        else:
            a = _first_assignment(role, town)
            person = a.person if a else None
        if person is None:
            continue
        user, _ = User.objects.update_or_create(
            username=role.value,
            defaults={"first_name": person.name, "password": password, "is_active": True,
                      "is_superuser": role == Role.ADMIN, "is_staff": role == Role.ADMIN},
        )
        Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        person.user = user
        person.save(update_fields=["user"])
        made.append(DemoLogin(role=role.value, username=user.username, person=person, sees=describe_scope(person)))
    return made


def _region_path(region: Region) -> str:
    ids = region.ancestor_ids()
    names = dict(Region.objects.filter(pk__in=ids).values_list("id", "name"))
    return " / ".join(names[i] for i in ids if i in names)


def describe_scope(person: Person) -> str:
    """What this person's login sees, in words."""
    parts = []
    for a in StaffAssignment.objects.filter(person=person, is_active=True).select_related("region", "department"):
        if a.role in (Role.ADMIN, Role.CITY_COMMANDER):
            parts.append("全市" + ("（系统管理）" if a.role == Role.ADMIN else ""))
        elif a.role == Role.DEPARTMENT_HANDLER and a.department_id:
            parts.append(f"{a.department.name}：派给本部门或被吹哨的事件")
        elif a.region_id:
            parts.append(_region_path(a.region) + ("（本人记录）" if a.role in (Role.INFORMANT, Role.MERCHANT) else ""))
    if not parts and person.household_id:
        region = person.microgrid or person.grid or person.village
        parts.append("本人及本户记录" + (f"（{_region_path(region)}）" if region else ""))
    return "；".join(parts) or "本人记录"


def existing_logins() -> list[DemoLogin]:
    User = get_user_model()
    out = []
    users = {u.username: u for u in User.objects.filter(username__in=[r.value for r in LOGIN_ROLES])}
    for role in LOGIN_ROLES:
        user = users.get(role.value)
        person = Person.objects.filter(user=user).first() if user else None
        if person is not None:
            out.append(DemoLogin(role=role.value, username=user.username, person=person, sees=describe_scope(person)))
    return out


__all__ = ["DEMO_PASSWORD", "LOGIN_ROLES", "DemoLogin", "create_logins", "existing_logins"]
