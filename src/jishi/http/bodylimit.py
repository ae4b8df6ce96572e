"""Request bodies over the limit: ``413 Content Too Large``, never a 500.

Django raises ``RequestDataTooBig`` wherever the body is first read — in the CSRF check of a page, or while
django-ninja parses an API body. This middleware (just after authentication, before any ``process_view``)
reads the body of every request that carries one, once, so the refusal is made in one place:

- ``/api/…``: ``application/problem+json`` (code ``body_too_large``) naming the limit;
- pages: the template ``413.html`` when the site has one, otherwise a short plain-text answer.

The limits (``jishi.settings``): a file is at most ``UPLOAD_MAX_BYTES`` (10 MB) decoded; a request body other
than a multipart upload is at most ``DATA_UPLOAD_MAX_MEMORY_SIZE``, sized so that one such file in Base64
(4/3 of its size) and the other fields fit. Multipart uploads (the pages' photo forms) stream their files to
disk: only their non-file fields count against the body limit, each file against the file limit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from jishi.http.problems import problem

METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def mib(n: int) -> str:
    """``n`` bytes in MB for people (one decimal when not whole)."""
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def too_large_message() -> tuple[str, str]:
    """The Chinese and English text naming both limits."""
    body, file = settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.UPLOAD_MAX_BYTES
    return (f"请求体过大：上限 {mib(body)} MB（JSON 或表单请求体，含 Base64 编码的文件）；"
            f"单个文件解码后不超过 {mib(file)} MB，多个文件请分次提交",
            f"request body too large: at most {mib(body)} MB (a JSON or form body, Base64 files included); "
            f"each file at most {mib(file)} MB decoded — send several files in several requests")


def too_large(request: HttpRequest) -> HttpResponse:
    """The 413 answer for ``request``: problem+json under /api/, a page otherwise."""
    detail, detail_en = too_large_message()
    if request.path.startswith("/api/"):
        return problem(413, detail, code="body_too_large", detail_en=detail_en,
                       details={"max_body_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
                                "max_file_bytes": settings.UPLOAD_MAX_BYTES})
    try:
        template = get_template("413.html")
    except TemplateDoesNotExist:
        return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")
    return HttpResponse(template.render({"detail": detail, "message": detail, "status": 413, "title": "内容过大"}, request), status=413)


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in METHODS_WITH_BODY:
            try:
                if request.content_type == "multipart/form-data" and _length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                    request.POST  # noqa: B018 — parses the fields (files go to disk), raising if they are too big
                else:
                    request.body  # noqa: B018 — read once and kept (POST is parsed from it); refused if too big
            except RequestDataTooBig:
                return too_large(request)
        return self.get_response(request)
