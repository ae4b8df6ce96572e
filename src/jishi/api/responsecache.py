"""Repeat GETs of the case API by the same caller, while nothing has changed, answered with the stored JSON.

The API's counterpart of the pages' cache (``jishi.web.pagecache``, same cache, same rules): a system polling
``GET /api/v1/cases?state=dispatched`` or one case every few seconds gets the body it got before as long as no
timeline row was written and the minute has not turned. Authentication, the rate limit, the scope check and input
validation run on every request as before — a revoked token is refused at once — only the query and the
serialisation are skipped. The key holds the token (or the session), its scopes and the data scope it was
narrowed to, the user's posts, the full path with its query, the language, the generation and the minute.
``Cache-Control: no-cache`` asks for a fresh answer (which is then kept for the next call).

``@cached_response(generation)`` goes under ``require_scope``; ``install(api)`` (after every router) stores the
answers ninja serialises for the marked operations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from ninja.signature.utils import get_typed_signature

from jishi.org.scope import scope_for
from jishi.web import pagecache

KEY_ATTR = "_jishi_response_key"


def _identity(request: HttpRequest) -> tuple | None:
    token = getattr(request, "api_token", None)
    if token is not None:
        # the digest, not the id: unique for ever (an id comes back after a restore from an older backup)
        return ("token", token.digest, tuple(sorted(token.scopes)), repr(scope_for(request.user)))
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return ("session", session.session_key)
    return None


def cached_response(generation: Callable[[HttpRequest], tuple]) -> Callable:
    def decorate(func: Callable) -> Callable:
        name = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method == "GET" and pagecache.enabled() and request.user.is_authenticated:
                identity = _identity(request)
                if identity is not None:
                    key = pagecache.key_for(request, name, identity, generation(request))
                    body = None if pagecache.wants_fresh(request) else caches["pages"].get(key)
                    if body is not None:
                        response = HttpResponse(body, content_type="application/json; charset=utf-8")
                        response[pagecache.HEADER] = "hit"
                        return response
                    setattr(request, KEY_ATTR, key)
            return func(request, *args, **kwargs)

        wrapper.__signature__ = get_typed_signature(func)
        wrapper.response_cached = True
        return wrapper

    return decorate


def install(api) -> None:
    """Store the serialised 200 answers of the operations marked with ``cached_response``."""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if getattr(operation.view_func, "response_cached", False):
                    operation._result_to_response = _storing(operation._result_to_response)


def _storing(original: Callable) -> Callable:
    def result_to_response(request: HttpRequest, result: Any, temporal_response: HttpResponse):
        response = original(request, result, temporal_response)
        key = getattr(request, KEY_ATTR, None)
        if key is not None and response.status_code == 200 and not response.cookies:
            caches["pages"].set(key, response.content)
            response[pagecache.HEADER] = "miss"
        return response

    return result_to_response
