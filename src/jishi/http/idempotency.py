"""``Idempotency-Key`` on every POST of the API.

A key is 1 to ``MAX_LENGTH`` visible ASCII characters (``!`` to ``~``: no space, tab or other control
character, nothing outside ASCII); any other key is refused with 422 ``idempotency_key_invalid`` before the
operation runs, on every POST.

Operations that give the key a domain meaning themselves (reporting a case, awarding points, ordering,
inspections, policy decisions: they take an ``idempotency_key`` parameter, answer the first call 201 and a
retry — also one that raced the first call — 200 with the same object) keep doing so; their 200 to a call
carrying a key gets the header ``Idempotent-Replayed: true`` here too. Every other POST is wrapped here: the first call with a key claims a row
(caller, key) in its own committed transaction, runs, and stores its response; a retry by the same caller
with the same key and the same request gets the stored response again (header ``Idempotent-Replayed:
true``); the same key with a different request is refused (422); a retry that arrives while the first call
still runs waits for it (up to ``WAIT``), then gets 409 with ``Retry-After``.

The caller is the digest of the presented credentials (bearer token or session user), so two clients never
share keys. Responses are kept ``JISHI_IDEMPOTENCY_HOURS`` (``forget_old`` runs hourly in the worker).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, RawPostDataException
from django.utils import timezone

from jishi.http.models import IdempotentRequest
from jishi.http.problems import problem

HEADER = "Idempotency-Key"
MAX_LENGTH = 100
WAIT = 10.0
KEEP_STATUSES = range(200, 500)
NOT_KEPT = {401, 408, 409, 429}


def _caller(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth:
        return "t:" + hashlib.sha256(auth.encode()).hexdigest()[:60]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return None


def _fingerprint(request: HttpRequest) -> str:
    h = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.content_type or ""):
        h.update(part.encode())
        h.update(b"\0")
    try:
        h.update(request.body)
    except RawPostDataException:  # a large multipart upload, streamed (files to disk): its fields and files
        for name, values in sorted(request.POST.lists()):
            h.update(repr((name, values)).encode())
        for name, files in sorted(request.FILES.lists()):
            h.update(repr((name, [(f.name, f.size) for f in files])).encode())
    return h.hexdigest()


def valid_key(key: str) -> bool:
    """1 to MAX_LENGTH visible ASCII characters (``!`` … ``~``)."""
    return 1 <= len(key) <= MAX_LENGTH and all("!" <= ch <= "~" for ch in key)


def _invalid(key: str) -> HttpResponse | None:
    if not valid_key(key):
        return problem(422, f"Idempotency-Key 须为 1 到 {MAX_LENGTH} 个可见 ASCII 字符（不含空格、制表符等）",
                       code="idempotency_key_invalid",
                       detail_en=f"Idempotency-Key must be 1 to {MAX_LENGTH} visible ASCII characters",
                       field="Idempotency-Key")
    return None


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _expired(row: IdempotentRequest) -> bool:
    return row.created_at < timezone.now() - timedelta(hours=settings.JISHI_IDEMPOTENCY_HOURS)


def _claim(caller: str, key: str, fingerprint: str) -> IdempotentRequest | None:
    """The new row that makes this call the first with ``key``, or None if another call holds the key."""
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint)
    except IntegrityError:
        return None


def run_once(request: HttpRequest, key: str, run: Callable[[], HttpResponse]) -> HttpResponse:
    """Run ``run`` at most once per (caller, key); see the module docstring."""
    bad = _invalid(key)
    if bad is not None:
        return bad
    caller = _caller(request)
    if caller is None:  # not authenticated: the operation answers 401 itself
        return run()
    fingerprint = _fingerprint(request)
    deadline = time.monotonic() + WAIT
    while (row := _claim(caller, key, fingerprint)) is None:
        existing = IdempotentRequest.objects.filter(caller=caller, key=key).first()
        if existing is not None and _expired(existing):
            IdempotentRequest.objects.filter(pk=existing.pk).delete()
            continue
        if existing is not None and existing.fingerprint != fingerprint:
            return problem(422, "此 Idempotency-Key 已用于另一个不同的请求；新请求请换一个键",
                           code="idempotency_key_reused", detail_en="Idempotency-Key was used for a different request",
                           field="Idempotency-Key")
        if existing is not None and existing.status_code is not None:
            return _replay(existing)
        # the first call still runs (or has just failed and let go of the key: then the next claim succeeds)
        if time.monotonic() >= deadline:
            return problem(409, "同一 Idempotency-Key 的请求正在处理，请稍后重试", code="idempotency_in_progress",
                           detail_en="a request with this Idempotency-Key is still being processed",
                           headers={"Retry-After": "1"})
        time.sleep(0.05)
    try:
        response = run()
    except BaseException:
        IdempotentRequest.objects.filter(pk=row.pk).delete()
        raise
    if response.status_code in KEEP_STATUSES and response.status_code not in NOT_KEPT and not response.streaming:
        IdempotentRequest.objects.filter(pk=row.pk).update(
            status_code=response.status_code, content_type=response.get("Content-Type", ""), body=response.content)
    else:
        IdempotentRequest.objects.filter(pk=row.pk).delete()
    return response


def view_decorators(view_func: Callable) -> list[Callable]:
    """The view decorator (for ninja's ``decorate_view``) that gives an operation the generic key, unless the
    operation takes ``idempotency_key`` itself; ``jishi.http.auth.require_scope`` applies it to every operation.
    It acts on POST only, before authentication, like the replay it stands for."""
    if "idempotency_key" in inspect.signature(view_func).parameters:
        return [_keyed]
    return [_once]


def _keyed(original: Callable) -> Callable:
    """An operation that gives the key its domain meaning: the key is checked as everywhere, and its 200 (the
    retry's answer) to a call with a key says so."""
    @functools.wraps(original)
    def run(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return original(request, *args, **kwargs)
        bad = _invalid(key)
        if bad is not None:
            return bad
        response = original(request, *args, **kwargs)
        if response.status_code == 200:
            response["Idempotent-Replayed"] = "true"
        return response

    return run


def _once(original: Callable) -> Callable:
    @functools.wraps(original)
    def run(request: HttpRequest, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST":
            return original(request, *args, **kwargs)
        return run_once(request, key, lambda: original(request, *args, **kwargs))

    return run


def forget_old() -> int:
    """Delete stored responses older than the keeping time; returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.JISHI_IDEMPOTENCY_HOURS)
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
