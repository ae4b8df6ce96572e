"""`jishi serve`: the production server (granian, WSGI) plus the background worker (huey consumer).

Both run as child processes; Ctrl-C or SIGTERM stops both. Use --no-worker when the worker runs
elsewhere (e.g. a Redis-backed worker on another machine).

Before starting, the periodic jobs catch up (``jishi catch-up``: a month's publish or settlement missed while
the server was down runs now, once), and the static files are collected into STATIC_ROOT when their manifest is missing or does not
list every file of this release (a fresh data directory, or an upgrade): without it every page would be a 500
("Missing staticfiles manifest entry"). Collecting takes a few seconds and is skipped when up to date.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORE = ["CVS", ".*", "*~"]  # collectstatic's default ignore patterns


def static_missing() -> list[str]:
    """The static files this release has that the collected manifest does not list (all of them when there is
    no manifest); empty when the storage keeps no manifest (tests, DEBUG: files are served from the finders)."""
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = storage.read_manifest()  # None when there is none
    listed = set(json.loads(manifest).get("paths", {})) if manifest else set()
    found = {path for finder in finders.get_finders() for path, _ in finder.list(IGNORE)}
    return sorted(found - listed)


def ensure_static() -> int:
    """Collect the static files when the manifest is missing or out of date; the number of files that were
    missing from it (0: nothing to do)."""
    missing = static_missing()
    if missing:
        call_command("collectstatic", interactive=False, verbosity=0)
    return len(missing)


class Command(BaseCommand):
    help = "Serve Jishi with granian (WSGI) and run the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("JISHI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JISHI_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JISHI_WEB_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args, host, port, workers, no_worker, **opts):
        bindir = os.path.dirname(sys.executable)
        granian = os.path.join(bindir, "granian")
        jishi = os.path.join(bindir, "jishi")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jishi.settings"}
        procs: list[subprocess.Popen] = []
        collected = ensure_static()
        if collected:
            self.stdout.write(f"静态文件已收集到 {settings.STATIC_ROOT}（{collected} 个文件不在清单中）")
        call_command("catch_up")  # the periodic jobs' periods missed while the server was down (each once)
        if settings.HUEY.get("immediate"):  # test settings: tasks run inline, there is no queue to consume
            no_worker = True
        if not no_worker:
            procs.append(subprocess.Popen([jishi, "run_huey", "--quiet"], env=env))
        procs.append(subprocess.Popen(
            [granian, "--interface", "wsgi", "--host", host, "--port", str(port), "--workers", str(workers),
             "--blocking-threads", "1", "--no-ws", "--log-level", "warning", "jishi.wsgi:application"],
            env=env,
        ))
        self.stdout.write(self.style.SUCCESS(
            f"基石 Jishi serving on http://{host}:{port}/ (granian, {workers} workers"
            f"{'' if no_worker else ', background worker'}; database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        ))

        def stop(*_):
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            stop()
            for p in procs:
                try:
                    p.wait(timeout=8)
                except subprocess.TimeoutExpired:
                    p.kill()
        code = next((p.returncode for p in procs if p.returncode not in (0, None, -15)), 0)
        if code:
            raise SystemExit(code)
