"""The open-port pages (/ports/): an administrator opens, changes, closes and reopens a port, issues and revokes
its tokens; the token text is shown once, works against the API at once and is refused the moment the port
closes; bad input is answered in Chinese next to the field and creates nothing; nobody else gets in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from jishi.core.models import AuditRecord
from jishi.platform import clients
from jishi.platform.models import ApiClient, ApiToken

REGIONS = "/api/v1/org/regions"


def _form(city, **over) -> dict:
    data = {"name": "A镇综治平台", "kind": "town", "purpose": "对接镇综治中心的事件系统", "owner": "town_commander",
            "account": "city_commander", "region": city.regions["A"].code, "department": "",
            "scopes": ["org:read", "cases:read"], "allowed_ips": "", "rate_limit": "120", "expires_at": ""}
    data.update(over)
    return data


def _port(city, **over) -> ApiClient:
    kwargs = {"name": "水利局业务系统", "kind": "department", "owner": city.user("admin"),
              "account": city.user("city_commander"), "scopes": ["org:read"]}
    kwargs.update(over)
    return clients.open_client(city.user("admin"), **kwargs)


def _issue(client: Client, port: ApiClient, **data) -> str:
    r = client.post(f"/ports/{port.pk}/tokens", {"name": "生产服务器", "days": "30", **data})
    assert r.status_code == 200, r.content.decode()[:500]
    token = port.tokens.order_by("-id").first()
    text = r.context["issued"][1]
    assert text.startswith(f"jsk_{token.prefix}_")
    return text


def _bearer(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


# --- opening a port ---------------------------------------------------------------------------------------

def test_an_admin_opens_a_port_from_the_form_and_finds_it_in_the_list(client, login, city):
    login("admin")
    r = client.get("/ports/new")
    assert r.status_code == 200 and "开通端口" in r.content.decode()
    r = client.post("/ports/new", _form(city, allowed_ips="10.1.0.0/16\n192.168.3.7", expires_at="2099-12-31"))
    port = ApiClient.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/ports/{port.pk}/"
    assert (port.name, port.kind, port.owner.username, port.account.username) == (
        "A镇综治平台", "town", "town_commander", "city_commander")
    assert port.region == city.regions["A"] and port.department is None
    assert port.scopes == ["cases:read", "org:read"] and port.rate_limit == 120
    assert port.allowed_ips == ["10.1.0.0/16", "192.168.3.7/32"]
    assert timezone.localtime(port.expires_at).date() == dt.date(2100, 1, 1)  # valid through 31 December
    assert port.opened_by == city.user("admin")
    assert AuditRecord.objects.filter(action="api_client.open", object_id=str(port.pk)).count() == 1

    page = client.get("/ports/").content.decode()
    for text in ("A镇综治平台", "镇（街道）", "A镇", "读取区域、人员、部门", "读取事件", "开通", "city_commander"):
        assert text in page


def test_a_port_can_be_limited_to_a_department(client, login, city):
    login("admin")
    r = client.post("/ports/new", _form(city, name="城管系统", kind="department", region="",
                                        department=str(city.departments["urban"].pk)))
    assert r.status_code == 302
    assert ApiClient.objects.get().department == city.departments["urban"]


@pytest.mark.parametrize(("over", "field", "message"), [
    ({"name": ""}, "name", "请填写对接系统的名称"),
    ({"account": "no-such-user"}, "account", "找不到账号“no-such-user”"),
    ({"region": "999999"}, "region", "没有编码为“999999”的区域"),
    ({"region": "320281000000"}, "region", "限定区域须是镇（街道）、村（社区）、网格或微网格"),
    ({"scopes": []}, "scopes", "令牌至少需要一个权限范围"),
    ({"allowed_ips": "10.0.0.1\n999.1.1.1"}, "allowed_ips", "“999.1.1.1”不是有效的 IP 地址或网段"),
    ({"rate_limit": "0"}, "rate_limit", "1"),
    ({"expires_at": "2001-01-01"}, "expires_at", "到期时间须晚于现在"),
    # the account (a grid worker of town A) cannot itself see town B: the service refuses it
    ({"account": "grid_worker", "region": "320281101000"}, "region", "自身看不到所限定的区域或部门"),
])
def test_bad_input_is_answered_next_to_the_field_in_chinese_and_creates_nothing(client, login, city, over, field,
                                                                                 message):
    login("admin")
    data = _form(city, **over)
    r = client.post("/ports/new", data)
    assert r.status_code == 422
    assert not ApiClient.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="api_client").exists()
    errors = r.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    html = r.content.decode()
    assert f'data-testid="error-{field}"' in html and message in html
    assert "对接镇综治中心的事件系统</textarea>" in html
    if data["name"]:
        assert f'value="{data["name"]}"' in html  # what the admin typed is still there


# --- the token, shown once ---------------------------------------------------------------------------------

def test_an_issued_token_is_shown_once_and_works_against_the_api_at_once(client, login, city):
    login("admin")
    port = _port(city, region=city.regions["A"])
    r = client.post(f"/ports/{port.pk}/tokens", {"name": "生产服务器", "days": "30"})
    assert r.status_code == 200
    text = r.context["issued"][1]
    html = r.content.decode()
    assert text in html and "只显示这一次" in html and "复制" in html
    assert "no-store" in r["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.client, token.user, token.scopes, token.name) == (port, city.user("city_commander"), ["org:read"],
                                                                    "生产服务器")
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)

    r = _bearer(text).get(REGIONS, {"level": "town"})
    assert r.status_code == 200
    assert [x["name"] for x in r.json()["items"]] == ["A镇"]  # the port's region limit, not the account's city

    again = client.get(f"/ports/{port.pk}/").content.decode()
    assert text not in again and f"jsk_{token.prefix}_…" in again
    secret = text.split("_", 2)[2]
    assert secret not in str(dict(client.session.items())) and secret not in str(client.cookies)  # nor kept


def test_a_token_cannot_carry_a_scope_its_port_lacks(client, login, city):
    login("admin")
    port = _port(city, scopes=["org:read"])
    r = client.post(f"/ports/{port.pk}/tokens", {"name": "x", "days": "30", "scopes": ["cases:act"]})
    assert r.status_code == 422 and not ApiToken.objects.exists()
    assert "scopes" in r.context["token_form"].errors


def test_a_token_may_narrow_the_ports_scopes(client, login, city):
    login("admin")
    port = _port(city, scopes=["org:read", "cases:read"])
    text = _issue(client, port, scopes=["cases:read"])
    assert ApiToken.objects.get().scopes == ["cases:read"]
    assert _bearer(text).get(REGIONS).status_code == 403


def test_closing_the_port_refuses_its_token_at_once_and_reopening_does_not_revive_it(client, login, city):
    login("admin")
    port = _port(city)
    text = _issue(client, port)
    assert _bearer(text).get(REGIONS).status_code == 200

    r = client.post(f"/ports/{port.pk}/close", {"reason": "对接合同到期"})
    assert r.status_code == 302
    port.refresh_from_db()
    assert port.closed_at is not None and port.closed_reason == "对接合同到期"
    assert _bearer(text).get(REGIONS).status_code == 401
    detail = client.get(f"/ports/{port.pk}/").content.decode()
    assert "已关闭" in detail and "对接合同到期" in detail and "重新开通" in detail
    assert f'action="/ports/{port.pk}/tokens"' not in detail  # no token for a closed port

    r = client.post(f"/ports/{port.pk}/reopen")
    assert r.status_code == 302
    port.refresh_from_db()
    assert port.closed_at is None
    assert _bearer(text).get(REGIONS).status_code == 401  # old tokens stay revoked
    assert _bearer(_issue(client, port)).get(REGIONS).status_code == 200
    actions = list(AuditRecord.objects.filter(object_type="api.apiclient").values_list("action", flat=True))
    assert {"api_client.open", "api_client.close", "api_client.reopen"} <= set(actions)


def test_closing_needs_a_reason(client, login, city):
    login("admin")
    port = _port(city)
    r = client.post(f"/ports/{port.pk}/close", {"reason": "  "})
    assert r.status_code == 422 and "请填写关闭原因" in r.content.decode()
    port.refresh_from_db()
    assert port.closed_at is None


def test_an_admin_revokes_one_token_and_only_that_one_stops(client, login, city):
    login("admin")
    port = _port(city)
    first, second = _issue(client, port), _issue(client, port)
    token = ApiToken.objects.get(prefix=first.split("_")[1])
    r = client.post(f"/ports/{port.pk}/tokens/{token.pk}/revoke")
    assert r.status_code == 302
    assert _bearer(first).get(REGIONS).status_code == 401
    assert _bearer(second).get(REGIONS).status_code == 200
    detail = client.get(f"/ports/{port.pk}/").content.decode()
    assert "已吊销" in detail and "吊销接口令牌" in detail  # the audit trail of the port's tokens


def test_a_token_of_another_port_cannot_be_revoked_through_this_one(client, login, city):
    login("admin")
    port, other = _port(city), _port(city, name="另一端口")
    _issue(client, other)
    token = ApiToken.objects.get()
    assert client.post(f"/ports/{port.pk}/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- changing a port ----------------------------------------------------------------------------------------

def test_an_admin_changes_a_port_and_the_change_is_audited(client, login, city):
    login("admin")
    port = _port(city, scopes=["org:read", "cases:read"], region=city.regions["A"])
    text = _issue(client, port)
    r = client.get(f"/ports/{port.pk}/edit")
    assert r.status_code == 200 and f'value="{city.regions["A"].code}"' in r.content.decode()
    data = _form(city, name="水利局业务系统（二期）", kind="department", owner="admin", scopes=["cases:read"],
                 region=city.regions["A"].code, rate_limit="300")
    r = client.post(f"/ports/{port.pk}/edit", data)
    assert r.status_code == 302
    port.refresh_from_db()
    assert (port.name, port.scopes, port.rate_limit) == ("水利局业务系统（二期）", ["cases:read"], 300)
    assert _bearer(text).get(REGIONS).status_code == 403  # narrowing the port narrows its tokens at once
    change = AuditRecord.objects.get(action="api_client.change")
    assert change.data["rate_limit"] == {"from": 600, "to": 300}
    assert "调整开放端口" in client.get(f"/ports/{port.pk}/").content.decode()


def test_a_refused_change_keeps_the_form_and_changes_nothing(client, login, city):
    login("admin")
    port = _port(city)
    r = client.post(f"/ports/{port.pk}/edit", _form(city, name="新名字", allowed_ips="not-an-ip"))
    assert r.status_code == 422 and "“not-an-ip”不是有效的 IP 地址或网段" in r.content.decode()
    assert 'value="新名字"' in r.content.decode()
    port.refresh_from_db()
    assert port.name == "水利局业务系统"


# --- the list ----------------------------------------------------------------------------------------------

def test_the_list_filters_by_kind_state_and_name(client, login, city):
    login("admin")
    hotline = _port(city, name="12345 热线", kind="hotline")
    water = _port(city, name="水利局业务系统", kind="department")
    _issue(client, water)
    _issue(client, water)
    closed = _port(city, name="旧系统", kind="partner")
    clients.close_client(city.user("admin"), closed.pk, "停用")
    expired = _port(city, name="试点应用", kind="village")
    ApiClient.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))

    def names(**params) -> list[str]:
        r = client.get("/ports/", params)
        assert r.status_code == 200
        return [c.name for c in r.context["page"].object_list]

    assert names() == ["试点应用", "旧系统", "水利局业务系统", "12345 热线"]
    assert names(kind="hotline") == [hotline.name]
    assert names(state="open") == ["水利局业务系统", "12345 热线"]
    assert names(state="closed") == ["旧系统"]
    assert names(state="expired") == ["试点应用"]
    assert names(q="水利") == ["水利局业务系统"]
    rows = {c.name: c for c in client.get("/ports/").context["page"].object_list}
    assert rows["水利局业务系统"].active_tokens == 2 and rows["旧系统"].active_tokens == 0
    assert "已到期" in client.get("/ports/", {"state": "expired"}).content.decode()


def test_the_list_reads_a_fixed_number_of_queries(client, login, city, django_assert_max_num_queries):
    login("admin")
    for i in range(5):
        _issue(client, _port(city, name=f"系统{i}"))
    with django_assert_max_num_queries(12):
        assert client.get("/ports/").status_code == 200


# --- who may ----------------------------------------------------------------------------------------------

ROLES = ["city_commander", "town_commander", "village_cadre", "grid_worker", "dept_urban", "resident", "merchant",
         "nobody"]


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_an_admin_gets_in(client, login, city, role):
    port = _port(city)
    login(role)
    for url in ("/ports/", "/ports/new", f"/ports/{port.pk}/", f"/ports/{port.pk}/edit"):
        assert client.get(url).status_code == 403, url
    for url, data in ((f"/ports/{port.pk}/close", {"reason": "x"}), (f"/ports/{port.pk}/reopen", {}),
                      (f"/ports/{port.pk}/tokens", {"name": "x", "days": "1"}), ("/ports/new", _form(city))):
        assert client.post(url, data).status_code == 403, url
    port.refresh_from_db()
    assert port.closed_at is None and not ApiToken.objects.exists() and ApiClient.objects.count() == 1
    assert "开放端口" not in client.get("/").content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, city):
    r = client.get("/ports/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_the_admin_finds_the_ports_in_the_navigation(client, login, city):
    login("admin")
    html = client.get("/").content.decode()
    assert 'href="/ports/"' in html and "开放端口" in html


def test_the_pages_post_only_with_a_csrf_token(city):
    port = _port(city)
    strict = Client(enforce_csrf_checks=True)
    strict.login(username="admin", password="test-pass-123")
    assert strict.post(f"/ports/{port.pk}/close", {"reason": "x"}).status_code == 403
    port.refresh_from_db()
    assert port.closed_at is None


def test_the_detail_links_to_the_ports_webhooks(client, login, city):
    login("admin")
    port = _port(city)
    assert f'href="/webhooks/?client={port.pk}"' in client.get(f"/ports/{port.pk}/").content.decode()


def test_the_pages_speak_english_too(client, login, city):
    login("admin")
    port = _port(city)
    client.cookies["django_language"] = "en"
    assert "Open ports" in client.get("/ports/").content.decode()
    html = client.get(f"/ports/{port.pk}/").content.decode()
    assert "Issue a token" in html and "Read regions, people, departments" in html
