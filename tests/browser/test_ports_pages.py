"""An administrator, in the browser at 1440×900, opens a port for an external system, issues its token (seen
once), and closes the port again — and the token stops working against the real API at once."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from jishi.platform.models import ApiClient

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_admin_opens_a_port_issues_a_token_once_and_closes_the_port(page, login_as, live_server, shot, city):
    login_as("admin")
    page.get_by_role("link", name="开放端口").first.click()
    expect(page.locator("h1")).to_have_text("开放端口")
    page.get_by_role("link", name="开通端口").click()

    # a first try with a mistake: the error stands next to the field, and nothing typed is lost
    page.get_by_label("系统名称").fill("A镇综治平台")
    page.get_by_label("类型").select_option("town")
    page.get_by_label("申请事由").fill("对接镇综治中心的事件系统，读取辖区事件")
    page.get_by_label("负责人（账号）").fill("town_commander")
    page.get_by_label("调用身份账号").fill("city_commander")
    page.get_by_label("限定区域（编码）").fill(city.regions["A"].code)
    page.get_by_label("读取区域、人员、部门（org:read）").check()
    page.get_by_label("读取事件（cases:read）").check()
    page.get_by_label("IP 白名单").fill("10.1.0.0/16\n999.1.1.1")
    page.get_by_role("button", name="开通", exact=True).click()
    expect(page.get_by_test_id("error-allowed_ips")).to_contain_text("“999.1.1.1”不是有效的 IP 地址或网段")
    expect(page.get_by_label("系统名称")).to_have_value("A镇综治平台")
    expect(page.get_by_label("读取事件（cases:read）")).to_be_checked()
    shot("form-error")
    assert not ApiClient.objects.exists()

    page.get_by_label("IP 白名单").fill("")
    page.get_by_role("button", name="开通", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A镇综治平台")
    expect(page.get_by_test_id("port-state")).to_have_text("开通")
    port = ApiClient.objects.get()

    page.get_by_label("令牌名称").fill("生产服务器")
    page.get_by_label("有效天数").fill("90")
    page.get_by_role("button", name="签发令牌").click()
    box = page.get_by_test_id("issued-token")
    expect(box).to_contain_text("只显示这一次")
    text = page.get_by_test_id("token-text").inner_text().strip()
    assert text.startswith("jsk_")
    assert text not in page.url
    shot("token-once")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/org/regions").status_code == 200

    page.goto(f"/ports/{port.pk}/")  # seen once: a fresh look at the port no longer shows it
    expect(page.get_by_test_id("token-row")).to_have_count(1)
    assert text not in page.content()

    page.get_by_label("关闭原因").fill("对接合同到期")
    page.get_by_role("button", name="关闭端口").click()
    expect(page.get_by_test_id("port-state")).to_have_text("已关闭")
    expect(page.get_by_test_id("closed-reason")).to_have_text("对接合同到期")
    expect(page.get_by_test_id("token-row")).to_contain_text("已吊销")
    expect(page.get_by_test_id("audit-row").first).to_contain_text("关闭开放端口")
    shot("closed")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/org/regions").status_code == 401

    page.get_by_role("link", name="开放端口").first.click()
    expect(page.get_by_test_id("port-row")).to_contain_text("已关闭")
    shot("list")
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_port_pages_fit_a_phone_in_chinese_and_in_english(page, login_as, shot, city):
    """Wide tables scroll inside their frame; nothing (not even a screen-reader-only header) widens the page."""
    from jishi.platform import clients

    port = clients.open_client(city.user("admin"), name="A镇综治平台", kind="town", owner=city.user("admin"),
                               account=city.user("city_commander"), scopes=["cases:read", "cases:act"],
                               region=city.regions["A"])
    clients.issue_token(city.user("admin"), port.pk, name="生产服务器")
    login_as("admin")
    for lang in ("zh", "en"):
        if lang == "en":
            page.get_by_role("button", name="English").or_(page.get_by_role("link", name="English")).first.click()
            page.wait_for_load_state()
        for url in ("/ports/", f"/ports/{port.pk}/", "/ports/new", f"/ports/{port.pk}/edit", "/webhooks/"):
            assert page.goto(url).status == 200, url
            # screen.width, not innerWidth: a mobile browser widens its layout viewport to fit wide content
            assert page.evaluate("document.documentElement.scrollWidth <= screen.width + 1"), (lang, url)
        shot(f"detail-{lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    assert page.js_errors == []
