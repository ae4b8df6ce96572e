"""Error answers (400, 403, 404, 405, 413, 429, 500) in the format of the path they answer.

Pages get the site's frame (``base.html``), Chinese by default and English when that is the language, a way
back, and for 403 the caller's roles as the reason (never whether the thing exists: out of scope is 404). The
API under ``/api/`` keeps problem+json; other prefixes (``/open311/``) register their own format in
``FORMATS`` (the wiring does, in ``jishi.urls``). The 500 page is self-contained: it reads no database, no
session and no static manifest, so it renders whatever broke.

``render_error(request, status, message)`` is for code that answers an error itself (a page's rate limit:
``too_many(request, retry_after)``; a body over the limit: ``too_large(request)``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from jishi.http import problems

log = logging.getLogger("jishi.web")

# path prefix → renderer(request, status, message) for the machine-readable surfaces
FORMATS: dict[str, Callable[[HttpRequest, int, str], HttpResponse]] = {
    "/api/": lambda request, status, message: problems.problem(status, message),
}

MESSAGES = {  # the default explanation of each status
    400: gettext_lazy("请求中的参数无法使用（格式不对、超出范围或含有不允许的字符）。"),
    403: gettext_lazy("您当前的角色无权打开此页面或执行此操作。"),
    404: gettext_lazy("页面不存在，或不在您的数据范围内。"),
    405: gettext_lazy("此地址不接受这种请求方式（例如直接打开了只能提交表单的地址）。"),
    413: gettext_lazy("提交的内容过大。"),
    429: gettext_lazy("操作过于频繁，请稍后再试。"),
    500: gettext_lazy("服务器内部错误，已记录，请稍后再试。"),
}
TITLES = {400: gettext_lazy("请求有误"), 403: gettext_lazy("无权访问"), 404: gettext_lazy("未找到"),
          405: gettext_lazy("请求方式不允许"),
          413: gettext_lazy("内容过大"), 429: gettext_lazy("请求过于频繁"), 500: gettext_lazy("服务器内部错误")}


def back_url(request: HttpRequest) -> str:
    """Where "back" goes: the referring page of this site (not this very page), else nothing."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        if not referer or not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
            return ""
    except Exception:  # a host not allowed (DisallowedHost) while answering an error: no link
        return ""
    parts = urlsplit(referer)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return "" if not target or target == request.get_full_path() else target


def _machine(request: HttpRequest) -> Callable[[HttpRequest, int, str], HttpResponse] | None:
    return next((f for prefix, f in FORMATS.items() if request.path.startswith(prefix)), None)


def render_error(request: HttpRequest, status: int, message: str = "", *, retry_after: int | None = None,
                 context: dict | None = None) -> HttpResponse:
    """The error answer for ``request``'s path: problem+json, the registered format, or the framed page."""
    message = message or str(MESSAGES.get(status, MESSAGES[400]))
    machine = _machine(request)
    if machine is not None:
        response = machine(request, status, message)
    else:
        template = f"{status}.html" if status in TITLES else "400.html"
        response = render(request, template, {"status": status, "title": str(TITLES.get(status, TITLES[400])),
                                              "message": message, "retry_after": retry_after, "back_url": back_url(request),
                                              **(context or {})},
                          status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def too_large(request: HttpRequest, message: str = "") -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return render_error(request, 413, message or _("提交的内容过大：一次最多 %(mb)s MB。") % {"mb": limit})


def too_many(request: HttpRequest, retry_after: int, message: str = "") -> HttpResponse:
    return render_error(request, 429, message or _("操作过于频繁，请 %(s)s 秒后再试。") % {"s": retry_after},
                        retry_after=retry_after)


def _exception_message(exception: Exception | None) -> str:
    """A message the code raised on purpose (``BadRequest("…")``, ``PermissionDenied("…")``); not Django's
    own English texts of a ``SuspiciousOperation``."""
    text = str(exception or "").strip()
    if not text or text.isascii():
        return ""
    return text


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return render_error(request, 400, _exception_message(exception))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 403, _exception_message(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error(request, 404)  # the same words whether it does not exist or is out of scope


def server_error(request: HttpRequest) -> HttpResponse:
    machine = _machine(request)
    message = str(MESSAGES[500])
    if machine is not None:
        return machine(request, 500, message)
    try:  # no RequestContext: no context processor, no database, no session, no {% static %}
        html = loader.get_template("500.html").render({
            "title": str(TITLES[500]), "message": message, "lang": get_language() or settings.LANGUAGE_CODE,
            "city_name": settings.JISHI_CITY_NAME, "back_url": back_url(request),
        })
    except Exception:  # the template itself failed: still answer
        log.exception("the 500 page could not be rendered")
        html = "<!doctype html><meta charset=utf-8><title>500</title><h1>服务器内部错误 · Internal server error</h1>"
    return HttpResponse(html, status=500)
