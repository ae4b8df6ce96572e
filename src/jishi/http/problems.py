"""Errors as RFC 9457 problem details (``application/problem+json``).

Body: ``type`` (``urn:jishi:problem:<code>``), ``title``, ``status``, ``detail`` (Chinese), ``detail_en``
(English where known), ``code``, ``field`` and ``errors[]`` (one per invalid input).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jishi.core import limits
from jishi.core.errors import ServiceError

CONTENT_TYPE = "application/problem+json"
log = logging.getLogger("jishi.platform")

TITLES = {
    400: ("请求有误", "Bad request"),
    401: ("未认证", "Unauthorized"),
    403: ("无权操作", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("方法不允许", "Method not allowed"),
    409: ("状态冲突", "Conflict"),
    413: ("请求体过大", "Content too large"),
    422: ("输入不合规", "Unprocessable content"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("服务器内部错误", "Internal server error"),
}
DEFAULT_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "body_too_large", 422: "validation_failed", 429: "throttled",
                 500: "server_error"}


def problem(status: int, detail: str, *, code: str = "", detail_en: str = "", field: str | None = None,
            errors: list[dict] | None = None, headers: dict[str, str] | None = None, **extra: Any) -> HttpResponse:
    """A problem+json response."""
    code = code or DEFAULT_CODES.get(status, "error")
    body = {
        "type": f"urn:jishi:problem:{code}",
        "title": TITLES.get(status, ("错误", "Error"))[0],
        "status": status,
        "detail": detail,
        "detail_en": detail_en or TITLES.get(status, ("", "Error"))[1],
        "code": code,
        "field": field,
        "errors": errors or [],
        **extra,
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, default=str), status=status, content_type=CONTENT_TYPE)
    for k, v in (headers or {}).items():
        response[k] = v
    return response


def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    details = dict(exc.details)
    detail_en = details.pop("detail_en", "") or getattr(exc, "message_en", "")
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    extra = {"details": details} if details else {}
    return problem(exc.status, exc.message, code=exc.code, detail_en=detail_en, field=exc.field, errors=errors, **extra)


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", ())]
        # loc is (source, param name, field...) — keep what a client recognises as a field name
        field = ".".join(loc[2:] or loc[1:] or loc)
        row = {"field": field, "loc": loc, "message": e.get("msg", ""), "type": e.get("type", "")}
        if e.get("type") == "string_too_long":  # name the field and its one limit (jishi.core.limits)
            limit = (e.get("ctx") or {}).get("max_length")
            row.update(message=limits.too_long(field, limit), message_en=e.get("msg", ""), max_length=limit)
        errors.append(row)
    first = errors[0]["field"] if errors else None
    too_long = [x["message"] for x in errors if x["type"] == "string_too_long"]
    detail = "；".join(too_long) if too_long else f"请求内容不合规：{', '.join(x['field'] for x in errors)}"
    return problem(422, detail, code="validation_failed", detail_en="request validation failed", field=first,
                   errors=errors)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, "未找到，或不在您的数据范围内", detail_en="not found or outside your data scope")


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    headers = {"WWW-Authenticate": 'Bearer realm="jishi"'} if isinstance(exc, AuthenticationError) else {}
    if getattr(exc, "retry_after", None):
        headers["Retry-After"] = str(exc.retry_after)
    detail = exc.message
    if status == 401 and detail == "Unauthorized":  # ninja's own: no credentials at all
        detail = "需要登录或提供接口令牌"
    elif detail.startswith("Cannot parse request body"):
        detail = "请求体无法解析：请发送 JSON（Content-Type: application/json）或表单"
    return problem(status, detail, code=getattr(exc, "code", ""), detail_en=getattr(exc, "message_en", "") or str(exc),
                   headers=headers)


def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A number no database column can hold (e.g. an id of 2**70) is bad input, not a server fault."""
    return problem(422, "参数数值超出允许范围", code="out_of_range", detail_en="a number is out of range")


def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django would not read (normally answered by ``jishi.http.bodylimit`` before ninja runs)."""
    from jishi.http.bodylimit import too_large

    return too_large(request)


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if settings.DEBUG or getattr(settings, "TESTING", False):
        raise exc
    log.exception("API error on %s %s", request.method, request.path)
    return problem(500, "服务器内部错误，已记录，请稍后再试", detail_en="internal server error")


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers with problem+json ones."""
    api.add_exception_handler(ServiceError, _service_error)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(ObjectDoesNotExist, _not_found)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(OverflowError, _out_of_range)
    api.add_exception_handler(DataError, _out_of_range)
    api.add_exception_handler(RequestDataTooBig, _too_large)
    api.add_exception_handler(Exception, _server_error)


PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "detail_en": {"type": "string"}, "code": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
        "details": {"type": "object"},
    },
}
DOCUMENTED = {"400": "请求体无法解析", "401": "未认证", "403": "无权操作或令牌缺少权限范围",
              "404": "未找到或不在数据范围内", "422": "输入不合规", "429": "请求过于频繁（见 Retry-After）"}
DOCUMENTED_UNSAFE = {"409": "状态冲突（非法流转或并发修改）", "413": "请求体过大（上限见 docs/api.md）"}


def document(schema: dict) -> dict:
    """Add the problem+json error responses to every operation of an OpenAPI document."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for methods in schema.get("paths", {}).values():
        for method, op in methods.items():
            statuses = {**DOCUMENTED, **(DOCUMENTED_UNSAFE if method in ("post", "put", "patch", "delete") else {})}
            for status, text in statuses.items():
                op.setdefault("responses", {}).setdefault(status, {"description": text, **ref})
            params = op.setdefault("parameters", []) if method == "post" else []
            if method == "post" and not any(p.get("name") == "Idempotency-Key" for p in params):
                params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                               "description": "重试时带同一个键，得到第一次的结果而不会重复办理",
                               "schema": {"type": "string", "minLength": 1, "maxLength": 100}})
    return schema
