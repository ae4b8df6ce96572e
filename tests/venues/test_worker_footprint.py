"""A web worker does not load scipy: the venue pages import the circle's modules, and scipy (sparse, csgraph,
optimize, spatial) is ~43 MiB of every worker's memory that only the coverage recompute and the planning page
need (issue 16: peak RSS per worker must not regress)."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views and their imports, as a worker's first request loads them
from jishi.core import consumers  # noqa: F401
print("scipy" in sys.modules)
"""


def test_setup_and_every_url_module_load_without_scipy():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jishi.settings"}
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False", "scipy is imported at start-up again"
