"""Repeat GETs of the API revalidated over HTTP: the API's side of ``jishi.http.conditional``.

A system polling ``GET /api/v1/cases?state=dispatched`` or one case every few seconds sends back the ETag it
got (``If-None-Match``) and, while no timeline row was written and the minute has not turned, gets
``304 Not Modified`` with no body: authentication, the rate limit and the scope check run on every request
as before (a revoked token is refused at once); only the query and the serialisation are skipped. The ETag
is per caller (the token or session, its scopes and data scope, the user's posts), path with query, language,
change counter and minute.

``@revalidated(counter)`` goes under ``require_scope``. The answer's ETag and ``Cache-Control`` are set
through ninja's temporal response (a view argument annotated ``HttpResponse``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from jishi.http.conditional import Counter, etag

ARG = "revalidation_response"  # the temporal response ninja hands the wrapper


def matches(request: HttpRequest, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (weak comparison, RFC 9110 13.1.2). ``*`` is not honoured: the
    endpoint has not yet checked its input, so it cannot tell whether a current answer exists."""
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in request.headers.get("If-None-Match", "").split(","))


def revalidated(counter: Counter) -> Callable:
    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            answer: HttpResponse = kwargs.pop(ARG)
            tag = etag(request, counter) if request.method == "GET" else None
            if tag is not None:
                if matches(request, tag):
                    answer = HttpResponseNotModified()
                    answer["ETag"] = tag
                    patch_cache_control(answer, private=True, no_cache=True)
                    return answer
                answer["ETag"] = tag
                patch_cache_control(answer, private=True, no_cache=True)
            return func(request, *args, **kwargs)

        # ninja reads this signature: the function's own (annotations resolved in its module) + the response
        signature = inspect.signature(func, eval_str=True)
        params = list(signature.parameters.values())
        extra = inspect.Parameter(ARG, inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse)
        at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD), len(params))
        wrapper.__signature__ = signature.replace(parameters=[*params[:at], extra, *params[at:]])
        return wrapper

    return decorate
