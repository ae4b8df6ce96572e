"""Reading and checking the rows of a people/staff sheet. Every bad cell is reported with the row
number Excel shows, the column header and the reason; nothing here writes to the database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from jishi.core.errors import ValidationFailed
from jishi.org.choices import ROLE_LEVEL, Level, Role
from jishi.org.geo import locator, validate_point
from jishi.org.imports.people_template import REQUIRED_HEADERS
from jishi.org.imports.report import ImportReport, chunks
from jishi.org.models import Department, Person, Region
from jishi.org.privacy import valid_id_number, valid_phone

YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", ""}
GENDERS = {"男": "M", "女": "F", "m": "M", "f": "F"}
ROLE_WORDS = {
    **{r.value: r for r in Role}, **{str(r.label): r for r in Role},
    # Everyday names used in county rosters.
    "居民": Role.RESIDENT, "村民": Role.RESIDENT, "志愿者": Role.VOLUNTEER, "联络员": Role.MICROGRID_LIAISON,
    "网格员": Role.GRID_WORKER, "村干部": Role.VILLAGE_CADRE, "社区干部": Role.VILLAGE_CADRE,
    "部门人员": Role.DEPARTMENT_HANDLER, "派驻人员": Role.DEPARTMENT_HANDLER, "商户": Role.MERCHANT,
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass
class PersonRow:
    """One good row, with codes resolved to database ids."""

    row: int
    name: str
    gender: str
    birth_date: date | None
    id_number: str
    phone: str
    household_code: str
    is_head: bool | None
    address: str
    home: Region | None
    lng: float | None
    lat: float | None
    is_party_member: bool | None
    role: Role | None
    post_region: Region | None
    department: Department | None
    specialty: str


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class RowReader:
    """Checks rows one by one against regions/departments fetched once for the whole file."""

    def __init__(self, report: ImportReport, header: list[str], rows: list[tuple[int, tuple]]):
        self.report = report
        self.index = {h: i for i, h in enumerate(header) if h}
        self.rows = rows
        codes = set()
        for _, values in rows:
            for col in ("所在微网格编码", "所在网格编码", "岗位区域编码"):
                codes.add(self.cell(values, col))
        codes.discard("")
        self.regions: dict[str, Region] = {}
        for part in chunks(sorted(codes)):
            self.regions.update((r.code, r) for r in Region.objects.filter(code__in=part).defer("boundary"))
        dept_codes = sorted({self.cell(v, "所属部门编码") for _, v in rows} - {""})
        self.departments = {d.code: d for d in Department.objects.filter(code__in=dept_codes)} if dept_codes else {}

    def cell(self, values: tuple, header: str) -> str:
        i = self.index.get(header)
        if i is None or i >= len(values):
            return ""
        value = values[i]
        return value.strip() if type(value) is str else text(value)

    def raw(self, values: tuple, header: str) -> Any:
        i = self.index.get(header)
        return values[i] if i is not None and i < len(values) else None

    def check_headers(self) -> bool:
        missing = [h for h in REQUIRED_HEADERS if h not in self.index]
        for h in missing:
            self.report.add(1, h, f"缺少表头“{h}”（请使用导入模板）")
        return not missing

    # --- one row -----------------------------------------------------------------------------
    def parse(self, n: int, v: tuple) -> PersonRow | None:
        before = len(self.report.problems)
        add = self.report.add
        name = self.cell(v, "姓名")
        if not name:
            add(n, "姓名", "姓名不能为空")
        elif len(name) > 50:
            add(n, "姓名", "姓名不能超过 50 个字")
        id_number = self.cell(v, "身份证号").upper()
        id_ok = False
        if isinstance(self.raw(v, "身份证号"), int | float):
            add(n, "身份证号", "身份证号被保存为数字，末几位已丢失，请将该列设为文本后重新填写")
        elif not id_number:
            add(n, "身份证号", "身份证号不能为空")
        elif not valid_id_number(id_number):
            add(n, "身份证号", f"身份证号“{id_number}”校验位不正确")
        elif _date_from_id(id_number) is None:
            add(n, "身份证号", f"身份证号“{id_number}”中的出生日期无效")
        else:
            id_ok = True
        gender = self._gender(n, v, id_number if id_ok else "")
        birth = self._birth(n, v, id_number if id_ok else "")
        phone = self.cell(v, "手机号").replace(" ", "").replace("-", "")
        if phone and not valid_phone(phone):
            add(n, "手机号", f"手机号“{phone}”不是 11 位手机号")
        household = self.cell(v, "户编号")
        if len(household) > 32:
            add(n, "户编号", "户编号不能超过 32 个字符")
        is_head = self._bool(n, v, "户主")
        if is_head and not household:
            add(n, "户主", "填写“户主”为“是”时必须填写户编号")
        address = self.cell(v, "地址")
        if len(address) > 200:
            add(n, "地址", "地址不能超过 200 个字")
        home = self._home(n, v)
        lng, lat = self._coords(n, v)
        party = self._bool(n, v, "党员")
        role, post_region, department = self._post(n, v)
        specialty = self.cell(v, "条线")
        if len(specialty) > 50:
            add(n, "条线", "条线不能超过 50 个字")
        if len(self.report.problems) > before:
            return None
        return PersonRow(n, name, gender, birth, id_number, phone, household, is_head, address, home, lng, lat,
                         party, role, post_region, department, specialty)

    def _gender(self, n: int, v: tuple, id_number: str) -> str:
        word = self.cell(v, "性别").lower()
        from_id = ("M" if int(id_number[16]) % 2 else "F") if id_number else ""
        if not word:
            return from_id
        gender = GENDERS.get(word)
        if gender is None:
            self.report.add(n, "性别", f"性别“{word}”应为“男”或“女”")
        elif from_id and gender != from_id:
            self.report.add(n, "性别", "性别与身份证号不符")
        return gender or ""

    def _birth(self, n: int, v: tuple, id_number: str) -> date | None:
        raw = self.raw(v, "出生日期")
        from_id = _date_from_id(id_number) if id_number else None
        if raw is None or text(raw) == "":
            return from_id
        if isinstance(raw, datetime):
            value = raw.date()
        elif isinstance(raw, date):
            value = raw
        else:
            value = _parse_date(text(raw))
            if value is None:
                self.report.add(n, "出生日期", f"日期“{text(raw)}”格式不正确，应为 YYYY-MM-DD")
                return None
        if from_id and value != from_id:
            self.report.add(n, "出生日期", "出生日期与身份证号不符")
        return value

    def _bool(self, n: int, v: tuple, header: str) -> bool | None:
        word = self.cell(v, header).lower()
        if word == "":
            return None
        if word in YES:
            return True
        if word in NO:
            return False
        self.report.add(n, header, f"“{word}”应为“是”或“否”")
        return None

    def _region(self, n: int, header: str, code: str, level: Level) -> Region | None:
        region = self.regions.get(code)
        if region is None:
            self.report.add(n, header, f"区域编码“{code}”不存在")
        elif region.level != level:
            self.report.add(n, header, f"“{code}”是{Level(region.level).label}“{region.name}”，不是{level.label}")
            return None
        return region

    def _home(self, n: int, v: tuple) -> Region | None:
        micro_code, grid_code = self.cell(v, "所在微网格编码"), self.cell(v, "所在网格编码")
        micro = self._region(n, "所在微网格编码", micro_code, Level.MICROGRID) if micro_code else None
        grid = self._region(n, "所在网格编码", grid_code, Level.GRID) if grid_code else None
        if micro and grid and micro.grid_id != grid.pk:
            self.report.add(n, "所在网格编码", f"微网格“{micro.name}”不属于网格“{grid.name}”")
        return micro or grid

    def _coords(self, n: int, v: tuple) -> tuple[float | None, float | None]:
        raw_lng, raw_lat = self.cell(v, "经度"), self.cell(v, "纬度")
        if not raw_lng and not raw_lat:
            return None, None
        if not raw_lng or not raw_lat:
            self.report.add(n, "经度" if not raw_lng else "纬度", "经度和纬度须同时填写")
            return None, None
        try:
            lng, lat = float(raw_lng), float(raw_lat)
        except ValueError:
            self.report.add(n, "经度", f"经纬度“{raw_lng}, {raw_lat}”不是数字")
            return None, None
        try:
            validate_point(lng, lat)
        except ValidationFailed as exc:
            self.report.add(n, "经度", exc.message)
            return None, None
        return lng, lat

    def _post(self, n: int, v: tuple) -> tuple[Role | None, Region | None, Department | None]:
        word, region_code, dept_code = self.cell(v, "岗位"), self.cell(v, "岗位区域编码"), self.cell(v, "所属部门编码")
        role = ROLE_WORDS.get(word.lower() if word.isascii() else word) if word else None
        if word and role is None:
            self.report.add(n, "岗位", f"岗位“{word}”无法识别（见模板“填写说明”中的岗位列表）")
            return None, None, None
        department = None
        if dept_code:
            department = self.departments.get(dept_code)
            if department is None:
                self.report.add(n, "所属部门编码", f"部门编码“{dept_code}”不存在")
        if role is None or role == Role.RESIDENT:
            if region_code:
                self.report.add(n, "岗位区域编码", "填写了岗位区域编码但未填写岗位")
            return None, None, None
        region = None
        expected = ROLE_LEVEL.get(role)
        if region_code:
            region = self.regions.get(region_code)
            if region is None:
                self.report.add(n, "岗位区域编码", f"区域编码“{region_code}”不存在")
            elif expected is not None and region.level != expected:
                self.report.add(n, "岗位区域编码", f"{role.label}须分配到{Level(expected).label}，"
                                                 f"“{region.name}”是{Level(region.level).label}")
        elif expected is not None:
            self.report.add(n, "岗位区域编码", f"{role.label}须填写岗位区域编码（{Level(expected).label}）")
        if role == Role.DEPARTMENT_HANDLER and not dept_code:
            self.report.add(n, "所属部门编码", "职能部门/派驻单位人员须填写所属部门编码")
        return role, region, department

    # --- whole file --------------------------------------------------------------------------
    def read(self) -> list[PersonRow]:
        good = [p for n, v in self.rows if (p := self.parse(n, v)) is not None]
        self._duplicates()
        self._heads(good)
        self._locate(good)
        self.report.problems.sort(key=lambda p: p.row)
        return good

    def _duplicates(self) -> None:
        first: dict[str, int] = {}
        for n, v in self.rows:
            idn = self.cell(v, "身份证号").upper()
            if not idn:
                continue
            if idn in first:
                self.report.add(n, "身份证号", f"身份证号与第 {first[idn]} 行重复")
            else:
                first[idn] = n
        counts: Counter[str] = Counter()
        for part in chunks(sorted(first)):
            counts.update(Person.objects.filter(id_number__in=part).values_list("id_number", flat=True))
        for idn, k in counts.items():
            if k > 1:
                self.report.add(first[idn], "身份证号", f"系统中已有 {k} 人使用此身份证号，无法确定更新哪一人，请先合并")

    def _heads(self, good: list[PersonRow]) -> None:
        head_row: dict[str, int] = {}
        for p in good:
            if p.is_head:
                if p.household_code in head_row:
                    self.report.add(p.row, "户主", f"户“{p.household_code}”已在第 {head_row[p.household_code]} 行填写户主")
                else:
                    head_row[p.household_code] = p.row

    def _locate(self, good: list[PersonRow]) -> None:
        """Coordinates must fall in the row's region; rows without a region are placed by them."""
        placed = [p for p in good if p.lng is not None]
        if not placed:
            return
        loc = locator()
        if len(loc.region_ids) == 0:
            return
        ids = loc.locate(np.array([p.lng for p in placed]), np.array([p.lat for p in placed]))
        found: dict[int, Region] = {}
        for part in chunks(sorted({int(i) for i in ids if i >= 0})):
            found.update((r.pk, r) for r in Region.objects.filter(pk__in=part).defer("boundary"))
        for p, rid in zip(placed, ids, strict=True):
            hit = found.get(int(rid))
            if p.home is None:
                p.home = hit
                continue
            if hit is None or (hit.pk != p.home.pk and getattr(hit, f"{p.home.level}_id") != p.home.pk):
                column = "所在微网格编码" if p.home.level == Level.MICROGRID else "所在网格编码"
                where = f"位于“{hit.name}”" if hit else "不在任何网格内"
                self.report.add(p.row, "经度", f"坐标（{p.lng}, {p.lat}）{where}，不在{column[2:-2]}“{p.home.name}”内")


def _parse_date(value: str) -> date | None:
    value = value.split(" ")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _date_from_id(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
