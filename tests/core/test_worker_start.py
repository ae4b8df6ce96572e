"""A web worker (`jishi.wsgi`, what granian loads) is ready before its first request: every URL module is imported
and what start-up made is frozen out of the garbage collector's generations (``gc.freeze()``), so a full
collection during a request never walks the ~240,000 start-up objects again (issue 16: a bulk locate in a loaded
worker ran at a third of its speed)."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import gc, sys
import jishi.wsgi  # noqa: F401
print(gc.get_freeze_count(), "jishi.cases.views" in sys.modules, "jishi.points.pages" in sys.modules)
"""


def test_the_wsgi_module_loads_every_view_and_freezes_the_start_up_heap():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jishi.settings"}
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    frozen, cases_views, points_views = out.stdout.split()[-3:]
    assert int(frozen) > 100_000, f"only {frozen} objects frozen"
    assert cases_views == points_views == "True"
