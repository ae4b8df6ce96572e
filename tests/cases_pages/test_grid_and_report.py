"""Grid worker pages: my grid's cases, the report form (photo, map point), resolve on the spot."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jishi.cases.models import Attachment, Case
from tests.cases_pages.conftest import PNG, advance


def test_grid_page_lists_only_my_grids_cases_by_stage(client, login, city, make_case):
    mine = make_case("A1a 垃圾")
    other = make_case("B1a 垃圾", who="grid_worker_b", where="B1a1")
    handled = advance(make_case("待核查的"), city, "handled")
    login("grid_worker")
    html = client.get("/cases/grid/").content.decode()
    assert mine.title in html and handled.title in html
    assert other.title not in html
    assert html.index("待核查") < html.index(handled.title) < html.index("待立案")
    assert "核查通过" in html  # one-tap verify on the handled case


def test_report_form_creates_a_located_patrol_case_with_photo(client, login, city, categories):
    login("grid_worker")
    lng, lat = city.point_in("A1a2")
    page = client.get("/cases/report/")
    assert page.status_code == 200 and "暴露垃圾" in page.content.decode() and "pick-map" in page.content.decode()
    resp = client.post("/cases/report/", {
        "category": "0101", "title": "路口垃圾", "description": "一堆", "lng": lng, "lat": lat,
        "idempotency_key": "k-1", "photos": SimpleUploadedFile("a.png", PNG, "image/png"),
    })
    case = Case.objects.get(title="路口垃圾")
    assert resp.status_code == 302 and resp.url == f"/cases/{case.pk}/"
    assert case.channel == "patrol" and case.grid_id == city.regions["A1a"].pk
    assert case.microgrid_id == city.regions["A1a2"].pk
    assert Attachment.objects.filter(case=case, kind="photo").count() == 1


def test_report_form_retry_with_same_key_makes_one_case(client, login, city, categories):
    login("grid_worker")
    lng, lat = city.point_in("A1a2")
    data = {"category": "0101", "title": "重复提交", "lng": lng, "lat": lat, "idempotency_key": "same-key"}
    client.post("/cases/report/", data)
    client.post("/cases/report/", data)
    assert Case.objects.filter(title="重复提交").count() == 1


def test_report_form_shows_the_services_error_and_makes_nothing(client, login, categories):
    login("grid_worker")
    resp = client.post("/cases/report/", {"category": "0101", "title": "没有位置", "idempotency_key": "k-2"})
    assert resp.status_code == 200
    assert "请在地图上选择位置或选择所在区域" in resp.content.decode()
    assert not Case.objects.filter(title="没有位置").exists()


def test_report_form_rejects_a_file_that_is_not_an_image(client, login, city, categories):
    login("grid_worker")
    lng, lat = city.point_in("A1a2")
    resp = client.post("/cases/report/", {
        "category": "0101", "title": "假照片", "lng": lng, "lat": lat, "idempotency_key": "k-3",
        "photos": SimpleUploadedFile("a.png", b"not a picture", "image/png"),
    })
    assert "类型不支持" in resp.content.decode()
    assert not Case.objects.filter(title="假照片").exists()


def test_grid_worker_resolves_on_the_spot_with_before_and_after_photos(client, login, city, categories):
    login("grid_worker")
    lng, lat = city.point_in("A1a1")
    resp = client.post("/cases/report/", {
        "category": "0101", "title": "井盖歪了", "lng": lng, "lat": lat, "idempotency_key": "k-4", "on_spot": "on",
        "photos": SimpleUploadedFile("before.png", PNG, "image/png"),
        "after": SimpleUploadedFile("after.png", PNG, "image/png"), "on_spot_note": "已扶正",
    })
    case = Case.objects.get(title="井盖歪了")
    assert resp.status_code == 302
    assert case.state == "closed" and case.resolved_on_spot
    assert set(case.attachments.values_list("kind", flat=True)) == {"photo", "after"}


def test_on_the_spot_without_after_photo_leaves_the_case_reported(client, login, city, categories):
    login("grid_worker")
    lng, lat = city.point_in("A1a1")
    client.post("/cases/report/", {
        "category": "0101", "title": "缺照片", "lng": lng, "lat": lat, "idempotency_key": "k-5", "on_spot": "on",
        "photos": SimpleUploadedFile("before.png", PNG, "image/png"),
    })
    case = Case.objects.get(title="缺照片")
    assert case.state == "reported"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "自行处置需要上传处置后照片" in page
