"""Imports: region boundaries from GeoJSON, people and staff from Excel, and the import page."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from jishi.core.errors import PermissionDenied
from jishi.core.models import AuditRecord
from jishi.org.imports import import_people, import_regions
from jishi.org.imports.people_template import HEADERS
from jishi.org.models import Household, Person, Region, StaffAssignment
from jishi.org.privacy import id_check_digit
from tests.factories import square


def make_id(seq: int, birth: str = "19850312") -> str:
    first17 = f"320281{birth}{seq:03d}"
    return first17 + id_check_digit(first17)


def write_xlsx(path, rows: list[dict], header: list[str] = HEADERS):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) for h in header])
    wb.save(path)
    return path


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Person, Household, StaffAssignment, Region, AuditRecord)}


def good_rows(city) -> list[dict]:
    a1a, a1a1, a1 = city.regions["A1a"], city.regions["A1a1"], city.regions["A1"]
    lng, lat = city.point_in("A1a1")
    return [
        {"姓名": "周建国", "性别": "男", "身份证号": make_id(11), "手机号": "13912345678", "户编号": "H-NEW-1",
         "户主": "是", "地址": "A镇A1村2组5号", "所在微网格编码": a1a1.code, "经度": lng, "纬度": lat, "党员": "是"},
        {"姓名": "周小红", "身份证号": make_id(22, "20100501"), "户编号": "H-NEW-1", "户主": "否",
         "所在微网格编码": a1a1.code},
        {"姓名": "钱网格", "身份证号": make_id(33), "手机号": "13700001111", "所在网格编码": a1a.code,
         "岗位": "专职网格员", "岗位区域编码": a1a.code},
        {"姓名": "孙干部", "身份证号": make_id(45), "岗位": "village_cadre", "岗位区域编码": a1.code, "条线": "综治"},
        {"姓名": "李城管", "身份证号": make_id(57), "岗位": "职能部门/派驻单位", "所属部门编码": "D01", "条线": "城管"},
    ]


# --- people ------------------------------------------------------------------------------------

def test_a_good_people_file_imports_households_people_and_posts(city, tmp_path):
    before = counts()
    report = import_people(city.user("admin"), write_xlsx(tmp_path / "p.xlsx", good_rows(city)))
    assert report.ok, report.problems
    after = counts()
    assert after["Person"] - before["Person"] == 5
    assert after["Household"] - before["Household"] == 1
    assert after["StaffAssignment"] - before["StaffAssignment"] == 3
    assert after["AuditRecord"] - before["AuditRecord"] == 1

    head = Person.objects.get(id_number=make_id(11))
    assert (head.gender, head.birth_date.isoformat(), head.is_party_member) == ("M", "1985-03-12", True)
    assert head.microgrid_id == city.regions["A1a1"].pk and head.village_id == city.regions["A1"].pk
    child = Person.objects.get(id_number=make_id(22, "20100501"))
    assert child.household_id == head.household_id and child.gender == "F"  # both from the ID number
    hh = Household.objects.get(code="H-NEW-1")
    assert hh.address == "A镇A1村2组5号" and hh.microgrid_id == city.regions["A1a1"].pk
    worker = StaffAssignment.objects.get(person__id_number=make_id(33))
    assert (worker.role, worker.region_id, worker.grid_id) == ("grid_worker", city.regions["A1a"].pk, city.regions["A1a"].pk)
    dept = StaffAssignment.objects.get(person__id_number=make_id(57))
    assert dept.department == city.departments["urban"] and dept.specialty == "城管"
    audit_row = AuditRecord.objects.filter(action="person.import").get()
    assert audit_row.data["counts"]["人员新增"] == 5


def test_every_bad_row_is_reported_with_row_column_and_reason_and_nothing_changes(city, tmp_path):
    rows = good_rows(city)
    outside = city.point_in("B1a1")
    bad_id = make_id(61)[:-1] + ("0" if make_id(61)[-1] != "0" else "1")
    rows += [
        {"姓名": "错校验", "身份证号": bad_id},                                                    # row 7
        {"姓名": "错手机", "身份证号": make_id(62), "手机号": "2391234"},                          # row 8
        {"姓名": "无区域", "身份证号": make_id(63), "所在微网格编码": "999999"},                   # row 9
        {"姓名": "错层级", "身份证号": make_id(64), "岗位": "专职网格员",
         "岗位区域编码": city.regions["A1"].code},                                                # row 10
        {"姓名": "重复人", "身份证号": make_id(11)},                                               # row 11
        {"姓名": "错日期", "身份证号": make_id(65), "出生日期": "85年3月"},                        # row 12
        {"姓名": "错位置", "身份证号": make_id(66), "所在微网格编码": city.regions["A1a1"].code,
         "经度": outside[0], "纬度": outside[1]},                                                  # row 13
        {"姓名": "", "身份证号": make_id(67), "岗位": "飞行员"},                                    # row 14
    ]
    before = counts()
    report = import_people(city.user("admin"), write_xlsx(tmp_path / "bad.xlsx", rows))
    assert not report.ok
    found = {(p.row, p.column) for p in report.problems}
    assert {(7, "身份证号"), (8, "手机号"), (9, "所在微网格编码"), (10, "岗位区域编码"), (11, "身份证号"),
            (12, "出生日期"), (13, "经度"), (14, "姓名"), (14, "岗位")} <= found
    reasons = {(p.row, p.column): p.reason for p in report.problems}
    assert "校验位" in reasons[(7, "身份证号")]
    assert "第 2 行" in reasons[(11, "身份证号")]
    assert "B1a1" in reasons[(13, "经度")]
    assert not any(p.row <= 6 for p in report.problems)  # the good rows stay good
    assert counts() == before


def test_reimport_updates_people_by_id_number_without_duplicating_posts(city, tmp_path):
    admin = city.user("admin")
    assert import_people(admin, write_xlsx(tmp_path / "1.xlsx", good_rows(city))).ok
    before = counts()
    rows = good_rows(city)
    rows[2]["手机号"] = "13600002222"
    rows[2]["姓名"] = "钱网格员"
    del rows[0]["手机号"]  # a blank cell keeps the existing value
    report = import_people(admin, write_xlsx(tmp_path / "2.xlsx", rows))
    assert report.ok, report.problems
    assert report.counts["人员更新"] == 5 and report.counts["人员新增"] == 0 and report.counts["岗位新增"] == 0
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "Person": 0, "Household": 0, "StaffAssignment": 0, "Region": 0, "AuditRecord": 1}
    worker = Person.objects.get(id_number=make_id(33))
    assert (worker.name, worker.phone) == ("钱网格员", "13600002222")
    assert Person.objects.get(id_number=make_id(11)).phone == "13912345678"


def test_dry_run_checks_but_writes_nothing(city, tmp_path):
    before = counts()
    report = import_people(None, write_xlsx(tmp_path / "p.xlsx", good_rows(city)), dry_run=True)
    assert report.ok and report.counts["人员新增"] == 5
    assert counts() == before


def test_a_missing_required_header_is_reported(city, tmp_path):
    header = [h for h in HEADERS if h != "身份证号"]
    report = import_people(None, write_xlsx(tmp_path / "p.xlsx", [{"姓名": "某人"}], header))
    assert [(p.row, p.column) for p in report.problems] == [(1, "身份证号")]


def test_an_id_number_shared_by_two_people_in_the_database_is_refused(city, tmp_path):
    shared = make_id(71)
    Person.objects.create(name="甲", id_number=shared)
    Person.objects.create(name="乙", id_number=shared)
    report = import_people(None, write_xlsx(tmp_path / "p.xlsx", [{"姓名": "甲", "身份证号": shared}]))
    assert [(p.row, p.column) for p in report.problems] == [(2, "身份证号")]


def test_a_row_without_a_region_is_placed_by_its_coordinates(city, tmp_path):
    lng, lat = city.point_in("B2b2")
    report = import_people(None, write_xlsx(tmp_path / "p.xlsx", [{"姓名": "定位", "身份证号": make_id(81),
                                                                      "经度": lng, "纬度": lat}]))
    assert report.ok, report.problems
    assert Person.objects.get(id_number=make_id(81)).microgrid_id == city.regions["B2b2"].pk


def test_only_admins_and_the_city_command_centre_may_import(city, tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", good_rows(city))
    with pytest.raises(PermissionDenied):
        import_people(city.user("town_commander"), path)
    assert import_people(city.user("city_commander"), path, dry_run=True).ok


def test_import_people_command_prints_the_report_and_fails_on_bad_rows(city, tmp_path):
    out = io.StringIO()
    call_command("import_people", str(write_xlsx(tmp_path / "p.xlsx", good_rows(city))), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue() and not Person.objects.filter(id_number=make_id(11)).exists()
    call_command("import_people", str(tmp_path / "p.xlsx"), stdout=out)
    assert Person.objects.filter(id_number=make_id(11)).exists()
    bad = write_xlsx(tmp_path / "bad.xlsx", [{"姓名": "错", "身份证号": "123"}])
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_people", str(bad), stdout=out)
    assert "第 2 行\t身份证号" in out.getvalue()


def test_the_template_has_every_header_and_round_trips_empty(db, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("export_people_template", str(path), stdout=io.StringIO())
    wb = load_workbook(path)
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    report = import_people(None, path, dry_run=True)
    assert [p.reason for p in report.problems] == ["表格中没有数据行"]


# --- regions -----------------------------------------------------------------------------------

def feature(code, name, level, parent_code, geometry, **extra) -> dict:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"code": code, "name": name, "level": level, "parent_code": parent_code, **extra}}


def collection(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_a_good_geojson_file_creates_regions_under_parents_in_the_file_and_the_database(city, tmp_path):
    a1 = city.regions["A1"]
    x0, y0 = a1.boundary["coordinates"][0][0]
    data = collection(
        feature(f"{a1.code}009", "新网格", "网格", a1.code, square(x0, y0, 0.01, 0.01)),
        feature(f"{a1.code}00901", "新微网格", "微网格", f"{a1.code}009", square(x0, y0, 0.01, 0.005)),
        feature(f"{a1.code}00902", "新微网格二", "microgrid", f"{a1.code}009", square(x0, y0 + 0.005, 0.01, 0.005)),
    )
    path = tmp_path / "r.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False))
    before = counts()
    report = import_regions(city.user("admin"), path)
    assert report.ok, report.problems
    assert report.counts == {"区域新增": 3, "区域更新": 0}
    assert counts()["Region"] == before["Region"] + 3
    grid = Region.objects.get(code=f"{a1.code}009")
    micro = Region.objects.get(code=f"{a1.code}00902")
    assert micro.parent_id == grid.pk and micro.path == f"{grid.path}{micro.pk}/"
    assert (micro.town_id, micro.village_id, micro.grid_id, micro.microgrid_id) == (a1.town_id, a1.pk, grid.pk, micro.pk)
    assert micro.lat == pytest.approx(y0 + 0.0075) and micro.area_km2 > 0
    assert AuditRecord.objects.filter(action="region.import").get().data["counts"]["区域新增"] == 3


def test_every_bad_feature_is_reported_and_nothing_is_written(city):
    a1, a1a = city.regions["A1"], city.regions["A1a"]
    x0, y0 = a1.boundary["coordinates"][0][0]
    bowtie = {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + 0.01, y0 + 0.01], [x0 + 0.01, y0], [x0, y0 + 0.01], [x0, y0]]]}
    far = square(x0 + 0.5, y0, 0.01, 0.01)
    data = collection(
        feature("88001", "点", "网格", a1.code, {"type": "Point", "coordinates": [x0, y0]}),   # 1 not a polygon
        feature("88002", "蝴蝶", "网格", a1.code, bowtie),                                     # 2 self-intersecting
        feature("88003", "未知层级", "小区", a1.code, square(x0, y0, 0.01, 0.01)),              # 3 level
        feature("88004", "孤儿", "网格", "77777", square(x0, y0, 0.01, 0.01)),                  # 4 parent missing
        feature("88005", "跳级", "微网格", a1.code, square(x0, y0, 0.01, 0.01)),                # 5 parent wrong level
        feature("88A06", "字母", "网格", a1.code, square(x0, y0, 0.01, 0.01)),                  # 6 code not digits
        feature("88007", "", "网格", a1.code, square(x0, y0, 0.01, 0.01)),                      # 7 empty name
        feature("88008", "越界", "微网格", a1a.code, far),                                      # 8 outside parent
        feature("88001", "重号", "网格", a1.code, square(x0, y0, 0.01, 0.01)),                  # 9 duplicate code
        feature("88010", "颠倒", "网格", a1.code, square(y0, x0, 0.01, 0.01)),                  # 10 lat/lng swapped
    )
    before = counts()
    report = import_regions(city.user("admin"), data)
    found = {(p.row, p.column) for p in report.problems}
    assert {(1, "geometry"), (2, "geometry"), (3, "level"), (4, "parent_code"), (5, "parent_code"), (6, "code"),
            (7, "name"), (8, "geometry"), (9, "code"), (10, "geometry")} <= found
    assert len({p.row for p in report.problems}) == 10
    assert counts() == before


def test_importing_an_existing_code_updates_its_name_and_boundary(city):
    micro = city.regions["A1a1"]
    x0, y0 = micro.boundary["coordinates"][0][0]
    smaller = square(x0, y0, 0.01, 0.01)
    before = counts()
    report = import_regions(city.user("admin"), collection(
        feature(micro.code, "改名微网格", "微网格", city.regions["A1a"].code, smaller)))
    assert report.ok and report.counts == {"区域新增": 0, "区域更新": 1}
    micro.refresh_from_db()
    assert micro.name == "改名微网格" and micro.boundary == smaller
    assert micro.lng == pytest.approx(x0 + 0.005)
    assert counts()["Region"] == before["Region"]


def test_an_existing_region_cannot_be_relevelled_by_import(city):
    micro = city.regions["A1a1"]
    before = counts()
    report = import_regions(None, collection(
        feature(micro.code, "搬家", "网格", city.regions["B1"].code, city.regions["B1a"].boundary)))
    assert {p.column for p in report.problems} >= {"level"}
    micro.refresh_from_db()
    assert micro.parent_id == city.regions["A1a"].pk and counts() == before


def test_import_regions_command_supports_dry_run(city, tmp_path):
    a1 = city.regions["A1"]
    x0, y0 = a1.boundary["coordinates"][0][0]
    path = tmp_path / "r.geojson"
    path.write_text(json.dumps(collection(feature("3202811000019", "命令网格", "grid", a1.code,
                                                  square(x0, y0, 0.01, 0.01)))))
    out = io.StringIO()
    call_command("import_regions", str(path), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue() and not Region.objects.filter(code="3202811000019").exists()
    call_command("import_regions", str(path), stdout=out)
    assert Region.objects.filter(code="3202811000019").exists()
    path.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("import_regions", str(path), stdout=io.StringIO())


# --- the page ----------------------------------------------------------------------------------

def xlsx_upload(rows, name="people.xlsx"):
    buffer = io.BytesIO()
    write_xlsx(buffer, rows)
    buffer.seek(0)
    buffer.name = name
    return buffer


def test_a_grid_worker_is_refused_the_import_page(client, login):
    login("grid_worker")
    assert client.get("/org/import/").status_code == 403
    assert client.post("/org/import/", {"kind": "people"}).status_code == 403
    assert client.post("/org/import/confirm/", {"token": "x"}).status_code == 403
    assert client.get("/org/import/people-template.xlsx").status_code == 403


def test_upload_check_and_confirm_on_the_page(client, login, city):
    login("city_commander")
    page = client.get("/org/import/")
    assert page.status_code == 200 and "下载 Excel 导入模板".encode() in page.content
    before = counts()
    checked = client.post("/org/import/", {"kind": "people", "file": xlsx_upload(good_rows(city))})
    assert checked.status_code == 200
    assert "校验通过" in checked.content.decode() and "确认导入" in checked.content.decode()
    assert counts() == before
    token = checked.context["pending"]["token"]
    done = client.post("/org/import/confirm/", {"token": token})
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert counts()["Person"] == before["Person"] + 5
    again = client.post("/org/import/confirm/", {"token": token})  # a token is good once
    assert again.status_code == 409 and counts()["Person"] == before["Person"] + 5


def test_the_page_shows_each_problem_as_a_table_row(client, login, city):
    login("admin")
    rows = [{"姓名": "错手机", "身份证号": make_id(91), "手机号": "123"},
            {"姓名": "错区域", "身份证号": make_id(92), "所在网格编码": "424242"}]
    before = counts()
    page = client.post("/org/import/", {"kind": "people", "file": xlsx_upload(rows)})
    html = page.content.decode()
    assert page.status_code == 200 and "发现 2 处问题" in html
    assert "<td class=\"num\">2</td><td>手机号</td>" in html and "区域编码“424242”不存在" in html
    assert page.context["pending"] is None and counts() == before


def test_the_page_checks_geojson_and_rejects_a_wrong_file_type(client, login, city):
    login("admin")
    a1 = city.regions["A1"]
    x0, y0 = a1.boundary["coordinates"][0][0]
    body = json.dumps(collection(feature("3202811000018", "页面网格", "网格", a1.code, square(x0, y0, 0.01, 0.01))))
    upload = io.BytesIO(body.encode())
    upload.name = "regions.geojson"
    checked = client.post("/org/import/", {"kind": "regions", "file": upload})
    assert checked.status_code == 200 and checked.context["report"].ok
    client.post("/org/import/confirm/", {"token": checked.context["pending"]["token"]})
    assert Region.objects.filter(code="3202811000018", parent=a1).exists()
    wrong = io.BytesIO(body.encode())
    wrong.name = "regions.geojson"
    assert client.post("/org/import/", {"kind": "people", "file": wrong}).status_code == 400


def test_the_template_downloads_as_a_workbook(client, login):
    login("admin")
    response = client.get("/org/import/people-template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
