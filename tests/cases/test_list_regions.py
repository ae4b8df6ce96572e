"""Case lists read their regions after the cases (``CaseQuerySet.with_regions``: ``prefetch_related``, one
primary-key query per region link), not by joining the region table four times — and every case still shows
its own town, village, grid and handling region."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jishi.cases import lists, services
from jishi.cases.models import REGION_LINKS, Case
from jishi.org.policy import actor_for_user


def test_a_page_of_cases_brings_its_regions_in_one_query_per_link(city, report):
    made = [report(where=w) for w in ("A1a1", "A1b1", "A1a1")]
    services.accept(city.user("town_commander"), made[1])
    services.dispatch(city.user("town_commander"), made[1], region=city.regions["A1"])
    admin = actor_for_user(city.user("admin"))
    with CaptureQueriesContext(connection) as ctx:
        page = list(lists.cases(admin).order_by("id"))
        shown = [(c.town.name, c.village.name, c.grid.name, c.handling_region and c.handling_region.name)
                 for c in page]
    first, *regions = [q["sql"] for q in ctx.captured_queries]
    assert "JOIN \"org_region\"" not in first  # the cases (category and department joined) …
    assert len(regions) == len(REGION_LINKS) == 4  # … then town, village, grid, handling region
    assert all('FROM "org_region" WHERE ' in sql for sql in regions)
    expected = [(c.town.name, c.village.name, c.grid.name, c.handling_region.name if c.handling_region else None)
                for c in Case.objects.select_related("town", "village", "grid", "handling_region").order_by("id")]
    assert shown == expected and shown[1][3] == city.regions["A1"].name


def test_values_and_counts_of_a_listing_are_left_alone(city, report):
    report()
    qs = lists.cases(actor_for_user(city.user("admin")))
    assert qs.count() == 1
    assert list(qs.values_list("title", flat=True)) == ["路边暴露垃圾"]
    assert lists.cases(actor_for_user(city.user("admin"))).first().town.name


def test_the_grid_workers_four_lists_share_one_region_query(city, report):
    reported, done = report(), report(where="A1a1")
    services.accept(city.user("town_commander"), done)
    worker = actor_for_user(city.user("grid_worker"))
    with CaptureQueriesContext(connection) as ctx:
        found = lists.grid_lists(worker)
        names = {c.pk: (c.town.name, c.village.name, c.grid.name) for section in found.values() for c in section}
    region_queries = [q for q in ctx.captured_queries if 'FROM "org_region"' in q["sql"]]
    assert len(region_queries) == 1
    assert names[reported.pk] == names[done.pk] == (city.regions["A"].name, city.regions["A1"].name,
                                                    city.regions["A1a"].name)
