"""The org admin: Chinese header, every org model registered, querysets restricted by scope."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from jishi.core.models import AuditRecord
from jishi.org.models import Department, Household, PartyOrganization, Person, Region, StaffAssignment, Venue

pytestmark = pytest.mark.django_db


def test_every_org_model_is_in_the_admin():
    for model in (Region, Department, PartyOrganization, Household, Person, StaffAssignment, Venue):
        assert admin.site.is_registered(model), model


def test_admin_header_is_chinese(client, login):
    login("admin")
    assert "基石 · 管理后台" in client.get("/admin/").content.decode()


def test_admin_changelists_render_for_superuser(client, login):
    login("admin")
    for name in ("region", "department", "partyorganization", "household", "person", "staffassignment", "venue"):
        assert client.get(f"/admin/org/{name}/").status_code == 200, name
        assert client.get(f"/admin/org/{name}/add/").status_code == 200, name


def test_staff_non_superuser_sees_only_their_scope(client, city):
    user = city.user("town_commander")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_region", "view_person"]))
    client.force_login(user)
    html = client.get("/admin/org/region/?q=村").content.decode()
    assert "A1村" in html and "B1村" not in html
    assert client.get(f"/admin/org/region/{city.regions['B1'].pk}/change/").status_code == 302  # not found: redirect


def test_admin_region_create_fills_ancestors_and_audits(client, login, city):
    login("admin")
    response = client.post("/admin/org/region/add/", {
        "level": "grid", "kind": "grid", "code": "320281100001009", "name": "A1新网格",
        "parent": city.regions["A1"].pk, "sort": 0, "children-TOTAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    region = Region.objects.get(code="320281100001009")
    assert region.village_id == city.regions["A1"].pk and region.grid_id == region.pk
    assert region.path.endswith(f"/{region.pk}/")
    assert AuditRecord.objects.filter(action="region.create", object_id=str(region.pk)).exists()  # create_region


def test_admin_person_search_by_full_phone(client, login, city):
    login("admin")
    html = client.get("/admin/org/person/?q=13800000000").content.decode()
    assert "A1a网格员" in html
