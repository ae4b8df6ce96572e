"""`jishi serve` on a data directory without collected static files (issue 13 §9): it collects them on start,
so the first page is a page and not "Missing staticfiles manifest entry" (500)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from jishi.core.management.commands.serve import ensure_static, static_missing
from tests.reliability.scratch import BIN, PROJECT, scratch_database

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    """The production static storage (a manifest of hashed names) over an empty STATIC_ROOT."""
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = MANIFEST
    settings.WHITENOISE_USE_FINDERS = False
    return tmp_path / "static"


def test_a_page_without_collected_static_files_is_the_500_that_serve_prevents(production_static):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("jishi/jishi.css")
    assert len(static_missing()) > 20  # every file of the release


def test_serve_collects_the_static_files_when_the_manifest_is_missing(production_static, client, db):
    assert ensure_static() > 20
    assert (production_static / "staticfiles.json").exists()
    assert static_missing() == []
    page = client.get("/login/")
    assert page.status_code == 200
    assert "/static/jishi/jishi." in page.text  # the hashed name from the manifest


def test_an_up_to_date_manifest_is_not_collected_again(production_static, db):
    ensure_static()
    stamp = (production_static / "staticfiles.json").stat().st_mtime_ns
    assert ensure_static() == 0
    assert (production_static / "staticfiles.json").stat().st_mtime_ns == stamp


def test_a_manifest_of_an_older_release_is_collected_again(production_static, db):
    ensure_static()
    (production_static / "staticfiles.json").write_text('{"paths": {"jishi/jishi.css": "jishi/jishi.1.css"}, '
                                                        '"version": "1.1"}')
    assert "jishi/site.js" in static_missing()
    assert ensure_static() > 0
    assert static_missing() == []


def test_the_tests_own_storage_needs_no_manifest(settings):
    settings.STORAGES = {**MANIFEST, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    assert static_missing() == []


@pytest.mark.slow
def test_jishi_serve_on_a_fresh_data_directory_answers_pages(tmp_path, migrated):
    """The real command, production settings (no JISHI_TESTING), an empty data directory."""
    with scratch_database(tmp_path, "static", migrated) as env, open(tmp_path / "server.log", "wb") as log:
        env.pop("JISHI_TESTING")
        env["JISHI_SECRET_KEY"] = "s" * 40
        assert not (tmp_path / "static").exists()
        from tests.reliability.test_crash import free_port

        port = free_port()
        proc = subprocess.Popen([str(BIN / "jishi"), "serve", "--port", str(port), "--workers", "1", "--no-worker"],
                                env=env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            status, body = None, ""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and status is None:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/login/")
                    response = conn.getresponse()
                    status, body = response.status, response.read().decode()
                except OSError:
                    time.sleep(0.2)
            assert status == 200, body[:500]
            assert "/static/jishi/jishi." in body
            assert (tmp_path / "static" / "staticfiles.json").exists()
            assert "静态文件已收集" in (tmp_path / "server.log").read_text()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
