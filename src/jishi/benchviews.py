"""Baseline views for `make bench` (bench/bench_intake.py, bench/bench_pages.py).

Mounted under /__bench__/ only when ``settings.JISHI_BENCH_VIEWS`` is true (JISHI_BENCH_VIEWS=1),
so that Jishi's own pages and API are measured as ratios against the same server process:

    GET  /__bench__/minimal   Django's minimal JSON view (the whole middleware stack, no database)
    POST /__bench__/insert    a bare one-row insert (an audit record) in one transaction, 201

Neither view checks a login: never enable them on a server that faces users.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from jishi.core.models import AuditRecord


@require_GET
def minimal(request: HttpRequest) -> JsonResponse:
    """The framework's floor: a constant JSON answer."""
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> JsonResponse:
    """The storage floor: one row inserted in one transaction (committed before the answer)."""
    with transaction.atomic():
        row = AuditRecord.objects.create(
            at=timezone.now(), actor_name="bench", action="bench.insert", object_type="bench", object_id="0",
        )
    return JsonResponse({"id": row.pk}, status=201)


def urlpatterns() -> list:
    return [
        path("__bench__/minimal", minimal, name="bench-minimal"),
        path("__bench__/insert", insert, name="bench-insert"),
    ]
