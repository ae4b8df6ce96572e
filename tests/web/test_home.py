"""The workbench home page: greeting with posts, figures from the viewer's own scope."""

from __future__ import annotations

import pytest

from jishi.org.models import Person, Region

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_page_renders_with_labelled_fields(client, city):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'href="#main"' in html  # skip link


def test_grid_worker_greeting_names_role_and_grid(client, login):
    login("grid_worker")
    html = client.get("/").content.decode()
    assert "专职网格员" in html
    assert "A1a网格" in html


def test_grid_worker_figures_count_only_their_grid(client, login, city):
    login("grid_worker")
    figures = client.get("/").context["figures"]
    assert figures.levels == {"grid": 1, "microgrid": 2}
    assert figures.residents == Person.objects.filter(grid=city.regions["A1a"]).count()


def test_town_commander_figures_cover_their_town_only(client, login, city):
    login("town_commander")
    figures = client.get("/").context["figures"]
    town_a = city.regions["A"]
    assert figures.levels["village"] == Region.objects.filter(level="village", town=town_a).count() == 2
    assert figures.levels["grid"] == 4
    assert figures.residents == Person.objects.filter(town=town_a).count()
    assert figures.residents < Person.objects.exclude(town=None).count()


def test_city_commander_figures_cover_the_city(client, login):
    login("city_commander")
    figures = client.get("/").context["figures"]
    assert figures.levels["town"] == 2
    assert figures.residents == Person.objects.count()


def test_department_handler_gets_no_region_figures(client, login):
    login("dept_urban")
    response = client.get("/")
    assert response.context["figures"] is None
    assert "区域网格" not in response.content.decode()


def test_home_page_query_count_is_bounded(client, login, django_assert_max_num_queries):
    login("town_commander")
    with django_assert_max_num_queries(24):  # constant: session, user, scope, roles, nav entries of every domain, 5 figures
        assert client.get("/").status_code == 200


def test_language_switch_to_english(client, login):
    login("grid_worker")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Workbench" in html
