"""The battle map and the Gantt chart at ten times the report's scale (1,530 projects, ~8,000 time nodes): the
same few statements as at one time, and fast enough for a desktop."""

from __future__ import annotations

import copy
import random
import time

import pytest
from django.utils import timezone

from jishi.blueprint import demo
from jishi.blueprint.models import Milestone, Project

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


class Ctx:
    scale, seed, rng, today = "small", 5, random.Random(5), timezone.localdate()

    @staticmethod
    def progress(iterable=None, total=None, desc=""):
        return None


def _tenfold() -> None:
    base = list(Project.objects.filter(children__isnull=True))
    stones = list(Milestone.objects.filter(project__in=base))
    by_project: dict[int, list[Milestone]] = {}
    for m in stones:
        by_project.setdefault(m.project_id, []).append(m)
    copies, origin = [], []
    for k in range(9):
        for p in base:
            c = copy.copy(p)
            c.pk, c.id, c.code = None, None, f"{p.code}-x{k}"
            copies.append(c)
            origin.append(p.pk)
    made = Project.objects.bulk_create(copies, batch_size=1000)
    Milestone.objects.bulk_create(
        [Milestone(project_id=c.pk, title=m.title, due_on=m.due_on, done_on=m.done_on, flag=m.flag)
         for c, o in zip(made, origin, strict=True) for m in by_project.get(o, [])], batch_size=2000)


def test_the_battle_map_at_ten_times_the_scale(client, login, city, django_assert_max_num_queries):
    demo.generate(Ctx())
    _tenfold()
    n = Project.objects.count()
    assert n >= 1400
    login("city_commander")
    for url in ("/blueprint/", "/blueprint/gantt/"):
        client.get(url)  # templates compiled, caches warm: the time a cadre waits on a running server
        with django_assert_max_num_queries(16):
            t = time.perf_counter()
            r = client.get(url)
            took = time.perf_counter() - t
        assert r.status_code == 200
        print(f"{url}: {n} projects in {took:.2f}s")
        assert took < 3
