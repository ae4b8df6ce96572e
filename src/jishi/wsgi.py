"""WSGI entry point (served by granian in production mode: `jishi serve`).

Each worker loads the application and every URL module before its first request, then moves what start-up made
(~240,000 objects: modules, models, URL patterns, settings, templates' loaders) out of the garbage collector's
generations with ``gc.freeze()``: they live as long as the process, and a full collection no longer walks them
on every few thousand allocations of a request (measured: a bulk locate in a loaded worker 0.51 → 1.69 M points/s;
see docs/performance.md, "The garbage collector and the start-up heap").
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # import every view module now, not on the first request  # noqa: B018
gc.collect()
gc.freeze()
