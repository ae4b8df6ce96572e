"""Open311 GeoReport v2 endpoints: parse, call one function of ``jishi.open311.services``, render.

Every route ends in ``.json`` or ``.xml``; any other extension is 404. Errors use the spec's body
(``[{"code": 404, "description": "…"}]``). POST is an API call authenticated by its ``api_key``, so it is
exempt from CSRF (no cookie is ever read). ``GET requests`` and ``requests/{id}`` without an api_key are the public
reads (``jishi.open311.public``) unless ``JISHI_OPEN311_PUBLIC_READS`` is off: rate-limited per caller address,
revalidated with an ETag (304), one query of cases per answer.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt

from jishi.cases import sql as case_sql
from jishi.core.errors import ServiceError
from jishi.http import idempotency
from jishi.http.conditional import current_minute
from jishi.http.revalidation import matches
from jishi.open311 import public, services
from jishi.open311.formats import FORMATS, errors, render
from jishi.open311.services import Open311Error
from jishi.platform import ratelimit
from jishi.security.throttle import client_ip


def endpoint(*methods: str) -> Callable:
    """Check the format and the method, check ``jurisdiction_id``, and turn refusals into error bodies."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in FORMATS:
                return errors("json", 404, f"不支持的格式“.{fmt[:10]}”：请使用 .json 或 .xml")
            method = "GET" if request.method == "HEAD" else request.method
            if method not in methods:
                response = errors(fmt, 405, f"不支持 {request.method[:10]} 方法（可用：{'、'.join(methods)}）")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                services.check_jurisdiction(request.GET.get("jurisdiction_id"))
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = errors(fmt, exc.status, exc.description)
                if exc.retry_after:
                    response["Retry-After"] = str(exc.retry_after)
                return response
            except ServiceError as exc:
                exc = services.from_service_error(exc)
                return errors(fmt, exc.status, exc.description)

        return wrapper

    return decorate


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(request.path.rsplit("/", 1)[0])
    return render(fmt, "discovery", services.discovery(url))


@endpoint("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return render(fmt, "services", services.service_list())


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    return render(fmt, "service_definition", services.service_definition(code))


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        actor = services.caller(request, "cases:write")
        key = request.headers.get("Idempotency-Key")
        if key is not None and not idempotency.valid_key(key):  # the same rule as /api/v1
            raise Open311Error(400, f"Idempotency-Key 须为 1 到 {idempotency.MAX_LENGTH} 个可见 ASCII 字符（不含空格、制表符等）")
        case = services.submit(actor, request.POST, photos=request.FILES.getlist("media"), idempotency_key=key or None,
                               api_token=request.api_token)
        return render(fmt, "service_requests", [services.created_out(case)],
                      status=201 if getattr(case, "created", False) else 200)
    if _public(request):
        return _public_answer(request, fmt, lambda: [public.request_out(c) for c in public.find_requests(request.GET)])
    actor = services.caller(request, "cases:read")
    found = services.find_requests(actor, request.GET)
    return render(fmt, "service_requests", [services.request_out(c) for c in found])


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, ident: str) -> HttpResponse:
    if _public(request):
        return _public_answer(request, fmt, lambda: [public.request_out(public.find_request(ident))])
    actor = services.caller(request, "cases:read")
    return render(fmt, "service_requests", [services.request_out(services.find_request(actor, ident))])


@endpoint("GET")
def token(request: HttpRequest, fmt: str, ident: str) -> HttpResponse:
    actor = services.caller(request, "cases:read", "cases:write")
    case = services.find_token(actor, ident)
    return render(fmt, "service_requests", [{"token": ident, "service_request_id": case.number}])


# --- the public reads (no api_key) -------------------------------------------------------------

def _public(request: HttpRequest) -> bool:
    """A read without an api_key, while the public reads are on (a key, even a bad one, is checked as ever)."""
    return public.enabled() and not services.key_of(request)


def _throttle(request: HttpRequest) -> None:
    """Anonymous reads count per caller address (behind a trusted proxy: the client's), a minute."""
    ip = client_ip(request) or "-"
    key = "o" + (ip if len(ip) < 40 else hashlib.blake2b(ip.encode(), digest_size=16).hexdigest())
    limit = settings.JISHI_OPEN311_PUBLIC_RATE_LIMIT
    retry_after = ratelimit.hit(key, limit)
    if retry_after is not None:
        raise Open311Error(429, f"请求过于频繁：每个地址每分钟最多 {limit} 次公开查询，请 {retry_after} 秒后再试",
                           retry_after=retry_after)


def _public_etag(request: HttpRequest) -> str:
    """The same for every public reader: the path with its query, the language, the newest case timeline row,
    the excluded services and the minute (so the default 90-day window and a media flag show within a minute)."""
    raw = repr(("open311-public", request.get_full_path(), get_language(), case_sql.api_counter(request),
                tuple(public.excluded()), current_minute()))
    return 'W/"' + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest() + '"'


def _public_answer(request: HttpRequest, fmt: str, build: Callable[[], list]) -> HttpResponse:
    _throttle(request)
    tag = _public_etag(request)
    response = HttpResponseNotModified() if matches(request, tag) else render(fmt, "service_requests", build())
    response["ETag"] = tag
    patch_cache_control(response, public=True, no_cache=True)
    return response
