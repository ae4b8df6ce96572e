"""Writing checked people rows: households, people (upsert by ID number) and posts, in bulk."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jishi.core import audit
from jishi.org.imports.bulk import insert_rows, update_rows
from jishi.org.imports.people_rows import PersonRow
from jishi.org.imports.report import ImportReport, chunks
from jishi.org.models import Household, Person, StaffAssignment

PLACE = ["town", "village", "grid", "microgrid"]
PERSON_FIELDS = ["name", "gender", "birth_date", "id_number", "phone", "household", "is_household_head", "address",
                 "lng", "lat", "is_party_member", *PLACE]
HOUSEHOLD_FIELDS = ["address", "lng", "lat", *PLACE]


def _values(obj, fields: list[str]) -> tuple:
    return tuple(getattr(obj, obj._meta.get_field(f).attname) for f in fields)


def existing_people(rows: list[PersonRow]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for part in chunks([p.id_number for p in rows]):
        found.update((p.id_number, p) for p in Person.objects.filter(id_number__in=part))
    return found


def count_changes(rows: list[PersonRow], report: ImportReport) -> None:
    people: set[str] = set()
    for part in chunks([p.id_number for p in rows]):
        people.update(Person.objects.filter(id_number__in=part).values_list("id_number", flat=True))
    households = {p.household_code for p in rows if p.household_code}
    old_households = 0
    for part in chunks(sorted(households)):
        old_households += Household.objects.filter(code__in=part).count()
    report.counts = {
        "人员新增": sum(1 for p in rows if p.id_number not in people),
        "人员更新": sum(1 for p in rows if p.id_number in people),
        "户新增": len(households) - old_households,
        "户更新": old_households,
        "岗位": sum(1 for p in rows if p.role is not None and p.role != "resident"),
    }


def _households(rows: list[PersonRow], now) -> dict[str, Household]:
    """Create or update each household from its head's row (or its first row)."""
    source: dict[str, PersonRow] = {}
    for p in rows:
        if p.household_code and (p.household_code not in source or p.is_head):
            source[p.household_code] = p
    found: dict[str, Household] = {}
    for part in chunks(sorted(source)):
        found.update((h.code, h) for h in Household.objects.filter(code__in=part))
    new, changed = [], []
    for code, p in source.items():
        hh = found.get(code) or Household(code=code, address="")
        before = _values(hh, HOUSEHOLD_FIELDS) if hh.pk else None
        hh.address = p.address or hh.address
        if p.lng is not None:
            hh.lng, hh.lat = p.lng, p.lat
        if p.home is not None:
            hh.place_in(p.home)
        hh.updated_at = now
        if hh.pk is None:
            new.append(hh)
        elif _values(hh, HOUSEHOLD_FIELDS) != before:
            changed.append(hh)
        found[code] = hh
    insert_rows(Household, new, key="code")
    update_rows(Household, changed, [*HOUSEHOLD_FIELDS, "updated_at"])
    return found


def _fill(person: Person, p: PersonRow, household: Household | None, now) -> Person:
    """Copy the row onto the person; a blank optional cell keeps what an existing person has."""
    person.name, person.id_number, person.updated_at = p.name, p.id_number, now
    person.gender = p.gender or person.gender
    person.birth_date = p.birth_date or person.birth_date
    person.phone = p.phone or person.phone
    person.address = p.address or person.address
    if household is not None:
        person.household = household
    if p.is_head is not None:
        person.is_household_head = p.is_head
    if p.is_party_member is not None:
        person.is_party_member = p.is_party_member
    if p.lng is not None:
        person.lng, person.lat = p.lng, p.lat
    home = p.home or (p.post_region if p.post_region is not None and p.post_region.level != "city" else None)
    if home is not None or person.pk is None:
        person.place_in(home)
    return person


def _posts(rows: list[PersonRow], people: dict[str, Person]) -> int:
    """Create the posts not already held (same person, role, region and department)."""
    posted = [p for p in rows if p.role is not None and p.role != "resident"]
    held: set[tuple] = set()
    person_ids = [people[p.id_number].pk for p in posted]
    for part in chunks(person_ids):
        held.update(StaffAssignment.objects.filter(person_id__in=part, is_active=True)
                    .values_list("person_id", "role", "region_id", "department_id"))
    new = []
    for p in posted:
        person = people[p.id_number]
        key = (person.pk, p.role.value, getattr(p.post_region, "pk", None), getattr(p.department, "pk", None))
        if key in held:
            continue
        held.add(key)
        a = StaffAssignment(person=person, role=p.role, region=p.post_region, department=p.department,
                            specialty=p.specialty)
        a.place_in(p.post_region if p.post_region is not None and p.post_region.level != "city" else None)
        new.append(a)
    insert_rows(StaffAssignment, new)
    return len(new)


@transaction.atomic
def write_people(actor, rows: list[PersonRow], report: ImportReport) -> None:
    now = timezone.now()
    households = _households(rows, now)
    people = existing_people(rows)
    new, changed = [], []
    for p in rows:
        person = people.get(p.id_number) or Person()
        before = _values(person, PERSON_FIELDS) if person.pk else None
        _fill(person, p, households.get(p.household_code), now)
        if person.pk is None:
            new.append(person)
        elif _values(person, PERSON_FIELDS) != before:
            changed.append(person)
        people[p.id_number] = person
    insert_rows(Person, new, key="id_number")
    update_rows(Person, changed, [*PERSON_FIELDS, "updated_at"])
    report.counts["人员有变化"] = len(changed)
    report.counts["岗位新增"] = _posts(rows, people)
    report.counts["岗位已有"] = report.counts.pop("岗位") - report.counts["岗位新增"]
    audit.record(actor, "person.import", object_type="org.person", object_id="import",
                 summary="导入人员：" + "，".join(f"{k} {v}" for k, v in report.counts.items()),
                 data={"counts": report.counts, "rows": report.rows})
