"""The `make bench` baselines (jishi.benchviews): they answer, they write, and they are mounted only
when JISHI_BENCH_VIEWS is on. Fast: no server, no wrk."""

from __future__ import annotations

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from jishi.core.models import AuditRecord

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it


@pytest.fixture
def bench_urls():
    """The URL map rebuilt with JISHI_BENCH_VIEWS on, restored afterwards."""
    import jishi.urls

    with override_settings(JISHI_BENCH_VIEWS=True):
        clear_url_caches()
        importlib.reload(jishi.urls)
        yield
    clear_url_caches()
    importlib.reload(jishi.urls)


def test_minimal_view_answers_constant_json(client, bench_urls):
    resp = client.get("/__bench__/minimal")
    assert resp.status_code == 200
    assert resp.json() == {"ok": True}


@pytest.mark.django_db
def test_insert_view_writes_one_row_without_a_csrf_token(bench_urls):
    from django.test import Client

    before = AuditRecord.objects.count()
    resp = Client(enforce_csrf_checks=True).post("/__bench__/insert")
    assert resp.status_code == 201
    assert AuditRecord.objects.count() == before + 1
    assert AuditRecord.objects.get(pk=resp.json()["id"]).action == "bench.insert"


def test_insert_view_refuses_get(client, bench_urls):
    assert client.get("/__bench__/insert").status_code == 405


def test_baselines_are_not_mounted_by_default(client, settings):
    import jishi.urls

    assert settings.JISHI_BENCH_VIEWS is False
    clear_url_caches()
    importlib.reload(jishi.urls)
    assert client.get("/__bench__/minimal").status_code == 404


def test_every_wrk_script_prints_the_json_report_line():
    from bench.server import WRK_DIR

    for script in ("get.lua", "insert.lua", "intake.lua"):
        text = (WRK_DIR / script).read_text()
        assert 'dofile(here .. "report.lua")' in text and "done = report" in text
