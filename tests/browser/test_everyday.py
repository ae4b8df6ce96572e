"""Everyday use in a real browser, Chinese and English, phone (390 px) and desktop (1440 px): the points desk
awards a person picked from a search, a claim photo opens for the cadre and is refused to another village's cadre,
confirmations appear and cancel cleanly, the phone bar shows the unread badge, and no page asks for a missing
favicon."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from jishi.notify.services import notify
from jishi.org.choices import Role
from jishi.org.models import Household, Person, StaffAssignment
from jishi.points.claims import submit_claim
from jishi.points.models import Posting
from jishi.points.rules import seed_template
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PNG = (Path(__file__).resolve().parents[2] / "src/jishi/static/jishi/icon-192.png").read_bytes()


def english(page) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def misses(page) -> list[str]:
    """Every 404 the page's requests got (a missing favicon logs one on every page)."""
    seen: list[str] = []
    page.on("response", lambda r: seen.append(r.url) if r.status == 404 else None)
    return seen


@pytest.fixture
def twins(city):
    """Two villagers named 王芳 in village A1, in different households and 组."""
    seed_template()
    people = []
    for n, mg in ((1, "A1a1"), (2, "A1b2")):
        hh = Household(code=f"H-TW-{n}", address=f"A1村{n}组{n}号")
        hh.place_in(city.regions[mg])
        hh.save()
        p = Person(name="王芳", household=hh, is_household_head=True)
        p.place_in(city.regions[mg])
        p.save()
        people.append(p)
    return people


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "zh"), ("phone", "en")], indirect=["viewport"])
def test_the_points_desk_awards_a_person_picked_from_a_search(page, login_as, shot, twins, lang):
    login_as("village_cadre")
    page.goto("/points/review/")
    if lang == "en":
        english(page)
    page.locator("#award-q").fill("王芳")  # labelled 村民 / Villager
    expect(page.locator("#award-candidates input[type=radio]")).to_have_count(2)
    expect(page.locator("#award-candidates")).to_contain_text("H-TW-1")
    expect(page.locator("#award-candidates")).to_contain_text("H-TW-2")
    assert fits(page)
    page.get_by_test_id(f"candidate-{twins[1].pk}").click()
    page.locator("#award-item").select_option("HY01")
    page.locator("#award-reason").fill("参加12月村民大会")
    shot(f"award-{lang}")
    submit = page.get_by_test_id("award-form").locator("button[type=submit]")
    submit.click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("王芳（H-TW-2）")
    expect(dialog).to_contain_text("参加村民会议（+2）")
    shot(f"award-confirm-{lang}")
    page.get_by_test_id("confirm-cancel").click()  # cancel: nothing is posted, the form stays as it was
    expect(dialog).to_be_hidden()
    assert not Posting.objects.filter(reason="参加12月村民大会").exists()
    submit.click()
    page.get_by_test_id("confirm-ok").click()
    expect(page.locator(".messages")).to_contain_text("王芳")
    assert Posting.objects.get(reason="参加12月村民大会").person_id == twins[1].pk
    assert not page.js_errors


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_inspection_form_groups_searches_and_refuses_contradicting_marks(page, login_as, shot, twins):
    login_as("village_cadre")
    page.goto("/points/inspection/")
    expect(page.locator("#insp-table tr.group-row")).to_have_count(2)  # the twins' two 组 (the resident shares one)
    page.locator("#insp-q").fill("H-TW-2")
    expect(page.locator("#insp-table tr[data-text]:visible")).to_have_count(1)
    page.locator("#insp-q").fill("")
    page.locator("#insp-group").select_option(label="A1b2微网格（1）")
    expect(page.locator("#insp-table tr[data-text]:visible")).to_have_count(1)
    page.locator("#insp-group").select_option("")
    page.get_by_label("王芳 庭院整洁（月度检查）").first.check()
    page.get_by_label("王芳 庭院脏乱（月度检查）").first.check()
    page.get_by_role("button", name="提交评分").click()
    expect(page.locator("#confirm-dialog")).to_contain_text("将为 1 户记录 2 项评分（合计 +5 分）")
    page.get_by_test_id("confirm-ok").click()
    expect(page.locator(".messages")).to_contain_text("不能同时评定")
    expect(page.get_by_label("王芳 庭院整洁（月度检查）").first).to_be_checked()  # the ticks survive to be fixed
    shot("refused")
    assert not Posting.objects.exists()
    assert not page.js_errors


def other_village_cadre(city):
    user = get_user_model().objects.create_user("cadre_a2", password=PASSWORD)
    person = Person(name="A2村干部", user=user)
    person.place_in(city.regions["A2"])
    person.save()
    post = StaffAssignment(person=person, role=Role.VILLAGE_CADRE, region=city.regions["A2"])
    post.place_in(city.regions["A2"])
    post.save()
    city.users["cadre_a2"] = user


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "zh"), ("phone", "en")], indirect=["viewport"])
def test_a_claim_photo_opens_for_the_cadre_and_is_refused_to_another_villages_cadre(page, login_as, shot, city, lang):
    items = {i.code: i for i in seed_template()}
    claim = submit_claim(city.user("resident"), items["ZY01"], "清理河道垃圾", timezone.localdate(),
                         SimpleUploadedFile("x.png", PNG, content_type="image/png"))
    other_village_cadre(city)
    login_as("village_cadre")
    page.goto("/points/review/")
    if lang == "en":
        english(page)
    img = page.locator(f"#claim-{claim.pk} img.evidence")
    expect(img).to_be_visible()
    img.evaluate("i => i.decode()")
    assert img.evaluate("i => i.naturalWidth") == 192
    shot(f"review-{lang}")
    url = page.get_by_test_id("claim-photo").get_attribute("href")
    assert url == f"/files/claim/{claim.pk}/"
    assert page.request.get(url).status == 200
    page.context.clear_cookies()
    login_as("cadre_a2")
    r = page.request.get(url)
    assert r.status == 404 and r.body() != PNG
    assert not page.js_errors


@pytest.mark.parametrize(("viewport", "lang"), [("phone", "zh"), ("phone", "en"), ("desktop", "zh"), ("desktop", "en")],
                         indirect=["viewport"])
def test_the_phone_bar_shows_the_main_actions_and_the_unread_badge(page, login_as, shot, city, viewport, lang):
    missing = misses(page)
    user = login_as("grid_worker")
    notify([user], kind="case", title="新事件待核查")
    notify([user], kind="case", title="事件即将超期")
    page.goto("/points/")
    if lang == "en":
        english(page)
    bar = page.get_by_test_id("phonebar")
    if viewport == "phone":
        expect(bar).to_be_visible()
        expect(page.locator(".mainnav")).to_be_hidden()
        badge = page.get_by_test_id("phonebar-badge-inbox")
        expect(badge).to_be_visible()
        expect(badge).to_contain_text("2")
        box = badge.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
        for key in ("home", "cases-report", "cases-grid", "points", "inbox"):
            expect(page.get_by_test_id(f"phonebar-{key}")).to_be_visible()
        assert fits(page)
        shot(f"bar-{lang}")
        page.get_by_test_id("phonebar-more").click()
        expect(bar.locator(".sheet")).to_be_visible()
        shot(f"more-{lang}")
        page.get_by_test_id("phonebar-cases-report").click()
        page.wait_for_url("**/cases/report/")
        expect(page.get_by_test_id("phonebar-badge-inbox")).to_be_visible()
    else:
        expect(bar).to_be_hidden()
        expect(page.get_by_test_id("nav-badge-inbox")).to_be_visible()
        shot(f"desktop-{lang}")
    assert page.request.get("/favicon.ico").status == 200
    assert page.request.get("/manifest.webmanifest").json()["display"] == "standalone"
    assert not [u for u in missing if "favicon" in u], missing
    assert not page.js_errors


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "zh"), ("phone", "en")], indirect=["viewport"])
def test_an_inbox_filter_survives_a_reload_and_exports_the_filtered_rows(page, login_as, shot, city, lang, tmp_path):
    from io import BytesIO

    from openpyxl import load_workbook

    from jishi.cases import services
    from jishi.cases.models import Category
    from jishi.cases.seed import load
    from tests.cases_pages.conftest import advance

    if not Category.objects.exists():
        load(Category)
    for title in ("河道垃圾堆放", "西桥护栏松动"):
        lng, lat = city.point_in("A1a1")
        case = services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101", title=title,
                                    lng=lng, lat=lat)
        advance(case, city, "dispatched")
    login_as("dept_urban")
    page.goto("/cases/dept/")
    if lang == "en":
        english(page)
    page.locator("form.filters input[name=q]").fill("护栏")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**q=*")
    page.reload()
    expect(page.locator("form.filters input[name=q]")).to_have_value("护栏")
    expect(page.locator(".case-list")).to_contain_text("西桥护栏松动")
    expect(page.locator(".case-list")).not_to_contain_text("河道垃圾堆放")
    assert fits(page)
    shot(f"dept-filtered-{lang}")
    with page.expect_download() as got:
        page.get_by_test_id("export").click()
    data = Path(got.value.path()).read_bytes()
    rows = list(load_workbook(BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["西桥护栏松动"]
    assert not page.js_errors


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "zh"), ("desktop", "en")], indirect=["viewport"])
def test_the_dispatch_sheet_prints_to_pdf(page, login_as, shot, city, lang, tmp_path):
    import shutil
    import subprocess

    from jishi.cases import services
    from jishi.cases.models import Category
    from jishi.cases.seed import load
    from tests.cases_pages.conftest import advance

    if not Category.objects.exists():
        load(Category)
    lng, lat = city.point_in("A1a1")
    case = services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101",
                                title="河道垃圾堆放", description="桥下约两立方米生活垃圾", lng=lng, lat=lat)
    case = advance(case, city, "dispatched")
    login_as("town_commander")
    page.goto(f"/cases/{case.pk}/")
    if lang == "en":
        english(page)
    page.get_by_test_id("case-sheet").click()
    page.wait_for_url(f"**/cases/{case.pk}/sheet/")
    expect(page.locator("#sheet-facts")).to_contain_text("河道垃圾堆放")
    expect(page.locator("#sheet-timeline")).to_contain_text(case.number[:0] or "")
    shot(f"sheet-{lang}")
    page.emulate_media(media="print")
    pdf = tmp_path / "sheet.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out = tmp_path / "sheet"
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(out)], check=True)
    png = next(tmp_path.glob("sheet*.png"))
    target = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / f"dispatch-sheet-pdf-{lang}.png"
    target.write_bytes(png.read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert case.number in text and "河道垃圾堆放" in text and "城市管理局" in text
    assert "退出" not in text and "Log out" not in text  # the site's chrome is not printed
    assert not page.js_errors


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_public_board_ranks_the_month_and_prints_to_pdf(page, login_as, shot, city, tmp_path):
    import shutil
    import subprocess
    from datetime import date, datetime

    from jishi.points.boards import publish_board
    from jishi.points.earning import apply_item

    items = {i.code: i for i in seed_template()}
    cadre = city.user("village_cadre")
    for n in range(3):
        apply_item(cadre, city.people["resident"], items["HY01"], key=f"b{n}", reason=f"十月村民会议{n}",
                   at=timezone.make_aware(datetime(2026, 10, 3 + n, 10)))
    board = publish_board(cadre, city.regions["A1"], date(2026, 10, 1), now=timezone.now())
    login_as("volunteer")
    page.goto(f"/points/boards/{board.pk}/")
    expect(page.get_by_test_id("object-open")).to_have_count(1)
    expect(page.locator("#board-lines")).to_contain_text("张居民")
    assert fits(page)
    shot("board")
    page.emulate_media(media="print")
    pdf = tmp_path / "board.pdf"
    page.pdf(path=str(pdf), format="A4")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "board")], check=True)
    png = next(tmp_path.glob("board*.png"))
    (Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "points-board-pdf.png").write_bytes(
        png.read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "村民积分公示榜" in text and "张居民" in text and "提出异议" not in text and "退出" not in text
