"""Bad input that no page may pass on, and the bare 405 of ``require_POST`` given the site's frame.

Bad input: a NUL character anywhere in the path, the query or a form (PostgreSQL
cannot store it; no form field wants it), and the database or the calendar refusing a value a view handed on
(a number no integer column holds, a date past year 9999). Both are the caller's fault: 400 with a clear message
in the path's format (jishi.web.views_errors), never a 500. The API (``/api/``) has its own handlers
(jishi.http.problems: 422 problem+json) and is left to them, but for the 405 ninja answers as HTML."""

from __future__ import annotations

import logging

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from jishi.web.views_errors import render_error

log = logging.getLogger("jishi.web")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_in(request: HttpRequest) -> str | None:
    """The name of the first input holding a NUL character (``path`` for the path), or None."""
    if "\x00" in request.path:
        return "path"
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")[:40]
    return None


def _bare(request: HttpRequest, response: HttpResponse) -> bool:
    """Django's and ninja's own 405 (an empty body; "Method not allowed" as HTML under /api/)."""
    if request.path.startswith("/api/"):
        return not response.get("Content-Type", "").startswith("application/problem+json")
    return not response.content


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            name = nul_in(request)
            if name is not None:
                return render_error(request, 400, _("参数“%(name)s”含有不允许的控制字符（NUL）。") % {"name": name})
        response = self.get_response(request)
        if response.status_code == 405 and _bare(request, response):
            allow = response.get("Allow", "")  # a view limited to POST opened with GET: the framed page
            response = render_error(request, 405, _("不支持 %(method)s 方法（可用：%(allow)s）。")
                                    % {"method": request.method[:10], "allow": allow})
            response["Allow"] = allow
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, (DataError, OverflowError)):
            return None
        log.warning("bad input on %s %s: %s", request.method, request.path, exception)
        return render_error(request, 400, _("参数中的数值或日期超出允许的范围。"))
