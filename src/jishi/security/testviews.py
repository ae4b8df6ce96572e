"""Test-only endpoints, mounted only when settings.TESTING is true (see jishi.urls).

``POST /__test__/write`` with ``code=…`` creates one household row and its audit record in one
transaction and answers 201 with the row id — the crash-safety test drives it over HTTP.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jishi.core import audit
from jishi.org.models import Household


@csrf_exempt
@require_POST
def write(request: HttpRequest) -> JsonResponse:
    code = request.POST.get("code", "")[:32]
    with transaction.atomic():
        row = Household.objects.create(code=code, address="测试写入")
        audit.record(None, "test.write", row, summary=f"测试写入 {code}")
    return JsonResponse({"id": row.pk, "code": code}, status=201)


def urlpatterns():
    from django.urls import path

    return [path("__test__/write", write, name="test-write")]
