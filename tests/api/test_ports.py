"""Open ports (API clients): only administrators open them; a port's tokens carry no more than the port's
scopes, see no more than its region or department, and stop at once when it is closed, expires, changes
account or is called from an address it does not allow. Every change is in the audit trail."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jishi.cases.intake import report_case
from jishi.core.errors import PermissionDenied, ValidationFailed
from jishi.core.models import AuditRecord
from jishi.platform import clients
from jishi.platform.models import ApiClient, ApiToken


def _port(city, *, account="city_commander", region=None, department=None, scopes=("cases:read", "org:read"), **kw):
    return clients.open_client(
        city.user("admin"), name=kw.pop("name", "测试系统"), kind=kw.pop("kind", "partner"), owner=city.user("admin"),
        account=city.user(account), scopes=list(scopes),
        region=city.regions[region] if region else None,
        department=city.departments[department] if department else None, **kw)


def _client_for(city, port, **kw) -> Client:
    _, text = clients.issue_token(city.user("admin"), port.pk, name="t", **kw)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _case(city, where: str, title: str = "路灯不亮"):
    lng, lat = city.point_in(where)
    return report_case(city.user("admin"), channel="hotline", category_code="0101", title=title, lng=lng, lat=lat)


def test_only_an_administrator_opens_a_port_and_bad_settings_open_nothing(city):
    with pytest.raises(PermissionDenied):
        clients.open_client(city.user("town_commander"), name="x", kind="town", owner=city.user("town_commander"),
                            account=city.user("town_commander"), scopes=["cases:read"])
    bad = [
        ({"scopes": ["cases:delete"]}, "scopes"),
        ({"scopes": []}, "scopes"),
        ({"kind": "satellite"}, "kind"),
        ({"name": "  "}, "name"),
        ({"allowed_ips": ["10.0.0.300"]}, "allowed_ips"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "expires_at"),
        ({"account": "town_commander", "region": "B"}, "region"),  # A-town commander cannot see town B
        ({"account": "dept_water", "department": "urban"}, "region"),
        ({"region": "city"}, "region"),
    ]
    for change, field in bad:
        args = {"scopes": ["cases:read"], **change}
        with pytest.raises(ValidationFailed) as err:
            _port(city, **args)
        assert err.value.field == field, change
        assert err.value.message  # a Chinese sentence for the form
    assert ApiClient.objects.count() == 0


def test_opening_changing_and_closing_a_port_are_in_the_audit_trail(city):
    port = _port(city, region="A")
    clients.change_client(city.user("admin"), port.pk, name="A镇指挥系统", kind="town", owner=city.user("admin"),
                          account=city.user("city_commander"), scopes=["cases:read"], region=city.regions["A"],
                          department=None, allowed_ips=[], rate_limit=100, expires_at=None)
    clients.close_client(city.user("admin"), port.pk, "合同到期")
    rows = list(AuditRecord.objects.filter(object_type="api.apiclient", object_id=str(port.pk)).order_by("id"))
    assert [r.action for r in rows] == ["api_client.open", "api_client.change", "api_client.close"]
    assert rows[1].data["scopes"] == {"from": ["cases:read", "org:read"], "to": ["cases:read"]}
    assert rows[1].data["rate_limit"] == {"from": 600, "to": 100}


def test_a_token_never_carries_a_scope_its_port_lacks(city):
    port = _port(city, scopes=["cases:read"])
    with pytest.raises(ValidationFailed) as err:
        clients.issue_token(city.user("admin"), port.pk, name="t", scopes=["cases:read", "cases:write"])
    assert err.value.field == "scopes"
    api = _client_for(city, port)
    assert api.get("/api/v1/cases").status_code == 200
    assert api.get("/api/v1/org/regions").json()["code"] == "insufficient_scope"


def test_narrowing_a_port_narrows_its_tokens_at_once(city):
    port = _port(city, scopes=["cases:read", "org:read"])
    api = _client_for(city, port)
    assert api.get("/api/v1/org/regions").status_code == 200
    clients.change_client(city.user("admin"), port.pk, name=port.name, kind=port.kind, owner=port.owner,
                          account=port.account, scopes=["cases:read"], region=None, department=None, allowed_ips=[],
                          rate_limit=600, expires_at=None)
    r = api.get("/api/v1/org/regions")
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"


def test_a_town_port_of_a_city_account_sees_only_its_town(city):
    inside, outside = _case(city, "A2b1"), _case(city, "B1a1")
    api = _client_for(city, _port(city, region="A"))
    assert [c["id"] for c in api.get("/api/v1/cases").json()["items"]] == [inside.pk]
    assert api.get(f"/api/v1/cases/{inside.pk}").status_code == 200
    assert api.get(f"/api/v1/cases/{outside.pk}").status_code == 404
    regions = api.get("/api/v1/org/regions?limit=200").json()["items"]
    assert regions and all(r["town_id"] == city.regions["A"].pk for r in regions)


def test_a_department_port_sees_only_the_departments_cases(city):
    case = _case(city, "A1a1")
    api = _client_for(city, _port(city, account="dept_urban", department="urban"))
    assert api.get("/api/v1/cases").json()["items"] == []
    assert api.get(f"/api/v1/cases/{case.pk}").status_code == 404


@pytest.mark.parametrize("how", ["close", "expire", "account", "ip"])
def test_a_port_that_is_closed_expired_rebound_or_called_from_elsewhere_is_refused_at_once(city, how):
    port = _port(city)
    api = _client_for(city, port)
    assert api.get("/api/v1/cases").status_code == 200
    if how == "close":
        clients.close_client(city.user("admin"), port.pk, "系统下线")
        expected = "已吊销"  # closing revokes every token of the port as well
    elif how == "expire":
        ApiClient.objects.filter(pk=port.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        expected = "已到期"
    elif how == "account":
        ApiClient.objects.filter(pk=port.pk).update(account=city.user("admin"))
        expected = "更换调用身份"
    else:
        ApiClient.objects.filter(pk=port.pk).update(allowed_ips=["10.1.0.0/16"])
        expected = "不允许从 127.0.0.1"
    r = api.get("/api/v1/cases")
    assert r.status_code == 401 and expected in r.json()["detail"], r.json()


def test_reopening_a_port_does_not_revive_its_old_tokens(city):
    port = _port(city)
    api = _client_for(city, port)
    clients.close_client(city.user("admin"), port.pk, "暂停")
    with pytest.raises(ValidationFailed):
        clients.issue_token(city.user("admin"), port.pk, name="t")
    clients.reopen_client(city.user("admin"), port.pk)
    assert api.get("/api/v1/cases").status_code == 401
    assert _client_for(city, port).get("/api/v1/cases").status_code == 200
    assert ApiToken.objects.filter(client=port, revoked_at__isnull=True).count() == 1


def test_a_port_account_that_loses_its_post_no_longer_reaches_the_ports_town(city):
    port = _port(city, account="town_commander", region="A1")
    api = _client_for(city, port)
    assert api.get("/api/v1/cases").status_code == 200
    city.people["town_commander"].assignments.update(is_active=False)
    r = api.get("/api/v1/cases")
    assert r.status_code == 401 and "看不到其限定范围" in r.json()["detail"]


def test_a_port_token_acts_with_its_accounts_roles(city):
    """A hotline-system port acting as a town commander account may accept cases of its town through the API."""
    case = _case(city, "A1a2")
    api = _client_for(city, _port(city, account="town_commander", region="A", scopes=["cases:read", "cases:act"]))
    r = api.post(f"/api/v1/cases/{case.pk}/accept", json.dumps({}), content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"


def test_a_town_port_reading_through_open311_sees_only_its_town(city):
    inside, outside = _case(city, "A1b2"), _case(city, "B2a1")
    port = _port(city, region="A")
    _, text = clients.issue_token(city.user("admin"), port.pk, name="open311")
    listed = Client().get("/open311/v2/requests.json", {"api_key": text}).json()
    assert [r["service_request_id"] for r in listed] == [inside.number]
    assert Client().get(f"/open311/v2/requests/{outside.number}.json", {"api_key": text}).status_code == 404
