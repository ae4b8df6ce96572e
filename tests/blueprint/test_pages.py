"""The pages: battle map, Gantt, project, fund, alliances — in scope, in few statements, exported to real .xlsx
files, the forms calling the services (a refusal shown, nothing changed)."""

from __future__ import annotations

import random
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from jishi.blueprint import demo
from jishi.blueprint.models import AllianceProblem, FundProject, Milestone, Project
from tests.blueprint.conftest import YEAR

pytestmark = pytest.mark.django_db


class Ctx:
    scale, seed, rng, today = "small", 3, random.Random(3), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


@pytest.fixture
def demo_data(city):
    demo.generate(Ctx())


def test_the_battle_map_lists_every_project_in_few_statements(client, login, demo_data, django_assert_max_num_queries):
    login("city_commander")
    with django_assert_max_num_queries(16):
        r = client.get("/blueprint/")
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('class="bp-row') == 153
    assert 'id="bp-points"' in html and "blueprint/blueprint.js" in html
    with django_assert_max_num_queries(16):
        r = client.get("/blueprint/gantt/?level=village")
    assert r.status_code == 200 and r.content.decode().count('class="g-row bp-') == Project.objects.filter(level="village").count()


def test_a_town_sees_its_own_projects_and_a_grid_worker_has_no_blueprint(client, login, city, demo_data):
    login("town_commander")
    html = client.get("/blueprint/").content.decode()
    ids = set(Project.objects.filter(town=city.regions["A"]).values_list("id", flat=True))
    assert html.count('class="bp-row') == len(ids) > 0
    b = Project.objects.filter(town=city.regions["B"]).first()
    assert client.get(f"/blueprint/{b.pk}/").status_code == 404
    client.logout()
    login("grid_worker")
    assert client.get("/blueprint/").status_code == 404


def test_the_exports_are_real_workbooks(client, login, demo_data):
    login("city_commander")
    wb = load_workbook(BytesIO(client.get("/blueprint/projects.xlsx?flag=any").content))
    ws = wb.active
    assert ws["A1"].value == "编号" and ws.max_row - 1 == Project.objects.exclude(flag="").count()
    wb = load_workbook(BytesIO(client.get("/blueprint/funds/fund.xlsx").content))
    assert wb.active.max_row - 1 == FundProject.objects.count() == 16
    a = AllianceProblem.objects.first().alliance
    wb = load_workbook(BytesIO(client.get(f"/blueprint/alliances/{a.pk}/problems.xlsx?state=solved").content))
    assert wb.active.max_row - 1 == a.problems.filter(state="solved").count()


def test_fund_and_alliance_pages(client, login, demo_data, django_assert_max_num_queries):
    login("city_commander")
    with django_assert_max_num_queries(20):
        r = client.get("/blueprint/funds/")
    html = r.content.decode()
    assert r.status_code == 200 and "40860000" in html and html.count("<tr>") >= 16
    with django_assert_max_num_queries(20):
        r = client.get("/blueprint/alliances/")
    html = r.content.decode()
    for a in {p.alliance for p in AllianceProblem.objects.select_related("alliance")}:
        assert f"已解决 {a.problems.filter(state='solved').count()} 个" in html
    a = AllianceProblem.objects.first().alliance
    with django_assert_max_num_queries(25):
        assert client.get(f"/blueprint/alliances/{a.pk}/").status_code == 200


def test_the_project_forms_call_the_services(client, login, city, bp):
    from tests.blueprint.conftest import make_project

    top = make_project(city, bp)
    login("town_commander")
    r = client.post(f"/blueprint/{top.pk}/child", {"title": "A1村河塘清淤", "secretary": "钱书记", "weight": "70",
                                                   "starts_on": f"{YEAR}-02-01", "ends_on": f"{YEAR}-10-31",
                                                   "region": city.regions["A1"].pk}, follow=True)
    kid = Project.objects.get(parent=top)
    assert kid.level == "village" and kid.weight == 70
    top.refresh_from_db()
    assert not top.weights_ok  # 70 of 100
    r = client.post(f"/blueprint/{top.pk}/weights", {f"w-{kid.pk}": "90"}, follow=True)
    assert "须为 100%" in r.content.decode()
    client.post(f"/blueprint/{top.pk}/weights", {f"w-{kid.pk}": "100"})
    client.post(f"/blueprint/{kid.pk}/milestone", {"title": "清淤完成", "due_on": f"{YEAR}-06-30"})
    client.post(f"/blueprint/{kid.pk}/progress", {"progress": "40", "note": "已清淤两处"})
    top.refresh_from_db()
    assert top.weights_ok and top.progress == 40
    m = Milestone.objects.get(project=kid)
    client.post(f"/blueprint/{kid.pk}/done", {"milestone": m.pk})
    assert Milestone.objects.get(pk=m.pk).done_on == timezone.localdate()
