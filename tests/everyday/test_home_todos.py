"""Each role's home shows its to-dos first, with counts that open the lists."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jishi.cases import services
from jishi.core.nav import todos
from jishi.org.policy import actor_for_user
from jishi.points.claims import submit_claim
from tests.cases_pages.conftest import advance

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 100


def report(city, title):
    from jishi.cases.models import Category
    from jishi.cases.seed import load

    if not Category.objects.exists():
        load(Category)
    lng, lat = city.point_in("A1a1")
    return services.report_case(city.user("grid_worker"), channel="patrol", category_code="0101", title=title,
                                lng=lng, lat=lat)


def counts(city, who) -> dict[str, int]:
    return {str(t["label"]): t["count"] for t in todos(actor_for_user(city.user(who)))}


def test_a_department_sees_what_to_sign_for(city):
    advance(report(city, "河道垃圾"), city, "dispatched")
    assert counts(city, "dept_urban")["待签收"] == 1
    assert counts(city, "dept_water")["待签收"] == 0


def test_a_grid_worker_sees_what_to_verify_and_a_commander_what_to_accept(city):
    advance(report(city, "河道垃圾"), city, "handled")
    report(city, "路面破损")
    assert counts(city, "grid_worker")["待核查"] == 1
    assert counts(city, "town_commander")["待立案"] == 1 and counts(city, "town_commander")["待结案"] == 1
    assert counts(city, "town_commander_b")["待立案"] == 0


def test_a_cadre_sees_claims_to_review_and_the_home_links_them(client, login, city, items):
    submit_claim(city.user("resident"), items["ZY01"], "清理河道", timezone.localdate(),
                 SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"))
    assert counts(city, "village_cadre")["待审核申报"] == 1
    login("village_cadre")
    page = client.get(reverse("home")).content.decode()
    todo = page.index('data-testid="todos"')
    assert todo < page.index("本辖区概况")  # to-dos first
    assert f'href="{reverse("points-review")}"' in page[todo:todo + 2000]


def test_a_resident_has_no_to_dos(client, login, city):
    assert todos(actor_for_user(city.user("resident"))) == []
    login("resident")
    assert 'data-testid="todos"' not in client.get(reverse("home")).content.decode()
