"""A small hand-built city for tests: 2 towns × 2 villages × 2 grids × 2 micro-grids, square
boundaries on a 0.01° lattice, two departments, and one login per role with readable names.

    city.user("grid_worker")      -> the grid worker of grid A1a (town A, village A1, grid A1a)
    city.user("grid_worker_b")    -> the grid worker of a grid in town B
    city.regions["A1a"]           -> a grid; city.regions["A1a1"] -> its first micro-grid
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from jishi.org.choices import DepartmentKind, Level, RegionKind, Role
from jishi.org.models import Department, Household, Person, Region, StaffAssignment
from jishi.org.services import create_region

PASSWORD = "test-pass-123"
ORIGIN = (120.20, 31.80)  # lng, lat of the south-west corner
CELL = 0.01


def square(x0: float, y0: float, w: float, h: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + w, y0], [x0 + w, y0 + h], [x0, y0 + h], [x0, y0]]]}


@dataclass
class City:
    regions: dict[str, Region] = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)

    def user(self, key: str):
        return self.users[key]

    def point_in(self, key: str) -> tuple[float, float]:
        """A point well inside the region's square."""
        r = self.regions[key]
        ring = r.boundary["coordinates"][0]
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return (min(xs) + (max(xs) - min(xs)) * 0.37, min(ys) + (max(ys) - min(ys)) * 0.41)


def make_city() -> City:
    city = City()
    w = CELL * 8
    root = create_region(None, None, Level.CITY, "320281000000", "测试市", kind=RegionKind.CITY,
                         boundary=square(ORIGIN[0], ORIGIN[1], w, CELL * 8))
    city.regions["city"] = root
    for ti, t in enumerate("AB"):
        tx = ORIGIN[0] + ti * CELL * 4
        town = create_region(None, root, Level.TOWN, f"3202811{ti:02d}000", f"{t}镇", boundary=square(tx, ORIGIN[1], CELL * 4, CELL * 8))
        city.regions[t] = town
        for vi in range(2):
            vy = ORIGIN[1] + vi * CELL * 4
            vkey = f"{t}{vi + 1}"
            village = create_region(None, town, Level.VILLAGE, f"3202811{ti:02d}{vi + 1:03d}", f"{vkey}村",
                                    boundary=square(tx, vy, CELL * 4, CELL * 4))
            city.regions[vkey] = village
            for gi, g in enumerate("ab"):
                gkey = f"{vkey}{g}"
                gx = tx + gi * CELL * 2
                grid = create_region(None, village, Level.GRID, f"{village.code}{gi + 1:03d}", f"{gkey}网格",
                                     boundary=square(gx, vy, CELL * 2, CELL * 4))
                city.regions[gkey] = grid
                for mi in range(2):
                    mkey = f"{gkey}{mi + 1}"
                    city.regions[mkey] = create_region(
                        None, grid, Level.MICROGRID, f"{grid.code}{mi + 1:02d}", f"{mkey}微网格",
                        boundary=square(gx, vy + mi * CELL * 2, CELL * 2, CELL * 2),
                    )
    city.departments["urban"] = Department.objects.create(
        code="D01", name="城市管理局", short_name="城管", kind=DepartmentKind.FUNCTIONAL, region=root)
    city.departments["water"] = Department.objects.create(
        code="D02", name="水利局", short_name="水利", kind=DepartmentKind.FUNCTIONAL, region=root)

    def login(key: str, name: str, role: str | None, region_key: str | None = None, dept: str | None = None,
              superuser: bool = False):
        user = get_user_model().objects.create_user(key, password=PASSWORD, first_name=name, is_superuser=superuser,
                                                    is_staff=superuser)
        region = city.regions[region_key] if region_key else None
        person = Person(name=name, user=user, phone="13800000000", id_number="320281199001011234")
        person.place_in(region if region and region.level != Level.CITY else None)
        person.save()
        if role:
            a = StaffAssignment(person=person, role=role, region=region,
                                department=city.departments[dept] if dept else None)
            a.place_in(region if region and region.level != Level.CITY else None)
            a.save()
        city.users[key] = user
        city.people[key] = person
        return user

    login("admin", "管理员", Role.ADMIN, "city", superuser=True)
    login("city_commander", "市指挥", Role.CITY_COMMANDER, "city")
    login("town_commander", "A镇指挥", Role.TOWN_COMMANDER, "A")
    login("town_commander_b", "B镇指挥", Role.TOWN_COMMANDER, "B")
    login("village_cadre", "A1村干部", Role.VILLAGE_CADRE, "A1")
    login("grid_leader", "A1a网格长", Role.GRID_LEADER, "A1a")
    login("grid_worker", "A1a网格员", Role.GRID_WORKER, "A1a")
    login("grid_worker_b", "B1a网格员", Role.GRID_WORKER, "B1a")
    login("liaison", "A1a1联络员", Role.MICROGRID_LIAISON, "A1a1")
    login("volunteer", "A1a1志愿者", Role.VOLUNTEER, "A1a1")
    login("dept_urban", "城管局办事员", Role.DEPARTMENT_HANDLER, dept="urban")
    login("dept_water", "水利局办事员", Role.DEPARTMENT_HANDLER, dept="water")
    login("resident", "张居民", None, "A1a1")
    login("informant", "李骑手", Role.INFORMANT, "A1a1")
    login("merchant", "王店主", Role.MERCHANT, "A1a1")
    login("nobody", "无岗位", None)
    hh = Household(code="H-A1a1-001", address="A镇A1村1组1号", lng=ORIGIN[0] + 0.005, lat=ORIGIN[1] + 0.005)
    hh.place_in(city.regions["A1a1"])
    hh.save()
    resident = city.people["resident"]
    resident.household, resident.is_household_head = hh, True
    resident.save()
    return city
