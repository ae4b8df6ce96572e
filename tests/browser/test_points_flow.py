"""The points flow in the browser: a villager claims with a photo on a phone, the cadre approves, the
month's board is published, a neighbour's objection freezes the posting, the cadre resolves it, the board
is finalised, the villager redeems and the merchant confirms the voucher at the shop."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from jishi.points.models import Merchant, StoreItem
from jishi.points.reconcile import reconcile
from jishi.points.rules import seed_template

pytestmark = [pytest.mark.browser, pytest.mark.slow]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


@pytest.fixture
def soap(city, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_template()
    m = Merchant(name="A1村积分超市", owner=city.people["merchant"])
    m.place_in(city.regions["A1"])
    m.save()
    item = StoreItem(merchant=m, name="洗衣皂", price=5, stock=10)
    item.place_in(city.regions["A1"])
    item.save()
    return item


def switch(page, login_as, key: str):
    page.context.clear_cookies()
    return login_as(key)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_claim_approve_publish_object_finalise_redeem_confirm(page, login_as, live_server, shot, city, soap):
    today = timezone.localdate()
    next_month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)

    # 1. The villager claims on a phone, with a photo.
    login_as("resident")
    page.goto("/points/me/")
    page.get_by_label("项目").select_option(label="参加志愿服务（+5）需照片")
    page.get_by_label("做了什么").fill("清理村口河道垃圾")
    page.set_input_files("#photo", files=[{"name": "river.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator(".messages")).to_contain_text("申报已提交")
    shot("1-claimed")

    # 2. The cadre approves it from the review queue.
    switch(page, login_as, "village_cadre")
    page.goto("/points/review/")
    expect(page.locator(".claim")).to_contain_text("清理村口河道垃圾")
    shot("2-queue")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已通过")

    # 3. After the month ends the cadre publishes the board.
    with time_machine.travel(timezone.make_aware(datetime.combine(next_month, datetime.min.time())) + timedelta(hours=9)):
        switch(page, login_as, "village_cadre")
        page.goto("/points/boards/")
        page.locator("input[name=month]").fill(f"{today:%Y-%m}")
        page.get_by_role("button", name="生成并公示").click()
        expect(page.locator("#confirm-dialog")).to_contain_text("A1村")
        page.get_by_test_id("confirm-ok").click()
        expect(page.locator("#board-status")).to_have_text("公示中")
        expect(page.locator("#board-lines")).to_contain_text("张居民")
        board_url = page.url

        # 4. A neighbour objects: the posting is frozen and the villager's balance shows it.
        switch(page, login_as, "volunteer")
        page.goto(board_url)
        row = page.locator("#board-postings tr", has_text="清理村口河道垃圾")
        assert page.get_by_test_id("object-open").count() == 1  # one button, not a form on every line
        page.get_by_test_id("object-open").click()
        page.get_by_label("对哪一条积分记录有异议").select_option(label=page.locator(
            "#objection-posting option", has_text="清理村口河道垃圾").inner_text())
        page.get_by_label("异议理由").fill("那天他在外地打工")
        page.get_by_role("button", name="提交异议").click()
        expect(row).to_contain_text("异议冻结中")
        shot("4-objected")
        switch(page, login_as, "resident")
        page.goto("/points/me/")
        expect(page.locator("#balance")).to_have_text("0")
        expect(page.locator("#history")).to_contain_text("异议冻结")

        # 5. The cadre checks and dismisses the objection: the points are unfrozen.
        switch(page, login_as, "village_cadre")
        page.goto(board_url)
        page.locator("input[name=resolution]").fill("经走访核实，确有其事")
        page.get_by_role("button", name="异议不成立（解冻）").click()
        expect(page.locator(".messages")).to_contain_text("异议已处理")

    # 6. After the notice period the board is finalised (and printable).
    with time_machine.travel(timezone.make_aware(datetime.combine(next_month, datetime.min.time())) + timedelta(days=8, hours=9)):
        switch(page, login_as, "village_cadre")
        page.goto(board_url)
        page.get_by_role("button", name="公示期满，定榜").click()
        expect(page.locator("#board-status")).to_have_text("已定榜")
        page.emulate_media(media="print")
        shot("6-final-print")
        page.emulate_media(media="screen")

        # 7. The villager redeems and shows the voucher.
        switch(page, login_as, "resident")
        page.goto("/points/store/")
        expect(page.locator("#balance")).to_have_text("5")
        page.get_by_role("button", name="兑换").click()
        page.get_by_test_id("confirm-cancel").click()  # cancel leaves everything as it was
        expect(page.locator("#balance")).to_have_text("5")
        page.get_by_role("button", name="兑换").click()
        expect(page.locator("#confirm-dialog")).to_contain_text("将用")
        page.get_by_test_id("confirm-ok").click()
        code = page.locator("#code").inner_text()
        qr = page.get_by_role("img", name="兑换二维码")
        expect(qr).to_be_visible()
        qr.evaluate("img => img.decode()")  # the PNG from the server decodes as an image
        assert qr.evaluate("img => img.naturalWidth") > 100
        shot("7-voucher")

        # 8. The merchant types the code on the phone page and confirms.
        switch(page, login_as, "merchant")
        page.goto("/points/merchant/")
        page.get_by_placeholder("输入或扫描兑换码").fill(code)
        page.get_by_role("button", name="查询兑换券").click()
        expect(page.get_by_test_id("voucher-preview")).to_contain_text("洗衣皂")  # item, masked holder, points
        shot("8-check")
        page.get_by_role("button", name="确认核销").click()
        expect(page.locator("#confirmed")).to_contain_text("洗衣皂")
        expect(page.locator("body")).to_contain_text("今日核销（1）")
        shot("8-confirmed")
    assert not page.js_errors
    assert reconcile().ok
    soap.refresh_from_db()
    assert (soap.stock, soap.reserved) == (9, 0)
