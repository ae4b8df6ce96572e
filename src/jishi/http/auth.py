"""Who is calling: a bearer token (``Authorization: Bearer jsk_…``) or the Django session of a logged-in
page (so htmx can call the API), with CSRF enforced for the session on unsafe methods.

Every operation names the token scope it needs with ``@require_scope("cases:read")``. A session
carries all scopes (the user's roles and data scope still decide what they may see and do); a token
carries only its own (through a port, only those its port also has).

The scope is checked as part of authentication, before ninja parses the input, so a token without it
learns nothing from validation errors: ``require_scope`` puts a view decorator on the operation (ninja's
``decorate_view``) that names the scopes on the request before ninja authenticates, and ``TokenAuth``
refuses a token that has none of them. Token authentication builds the request's Actor once
(the verifier the platform installs — ``jishi.platform.tokens.verify``: the token's user, narrowed by its port,
and the port's rate limit) and sets it as ``request.actor``; a session's Actor is the one
``jishi.org.middleware`` builds from the signed-in user. This module knows ``core`` only: the token store
is the platform's, plugged in with ``install_verifier``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from jishi.core.errors import PermissionDenied
from jishi.http import idempotency
from jishi.http.scopes import SCOPES

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class Unauthorized(AuthenticationError):
    """401 with a Chinese message and an English one."""

    def __init__(self, message: str = "需要登录或提供接口令牌", message_en: str = "authentication required"):
        super().__init__(401, message)
        self.message_en = message_en


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF 校验失败：页面请求须带 X-CSRFToken 请求头")
        self.message_en = "CSRF check failed"
        self.code = "csrf_failed"


class RateLimited(HttpError):
    """429 with Retry-After: the caller used up its requests for this minute."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(429, f"请求过于频繁：每分钟最多 {limit} 次，请 {retry_after} 秒后再试")
        self.message_en = f"rate limit of {limit} requests a minute exceeded; retry after {retry_after} s"
        self.code = "rate_limited"
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """``Authorization: Bearer jsk_<prefix>_<secret>``. A bad, revoked or expired token is refused
    at once (401) and never falls back to the session; a token without the operation's scope is refused
    (403 ``insufficient_scope``) before the input is read."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if _verifier is None:
            raise Unauthorized("接口令牌服务未启用", "no token verifier installed")
        actor, row = _verifier(request, token)  # raises Unauthorized or RateLimited
        required = getattr(request, SCOPES_ATTR, ())
        if required and not any(actor.may_use(s) for s in required):
            raise _refuse_scope(required)
        request.api_token = row
        request.user = actor.user
        request._actor = actor  # what jishi.org.middleware.actor_of returns for this request
        request.actor = actor
        return actor.user


Verifier = Callable[[HttpRequest, str], tuple[Any, Any]]
_verifier: Verifier | None = None


def install_verifier(verify: Verifier) -> None:
    """Plug in the token store: ``verify(request, token) -> (actor, token_row)``, raising ``Unauthorized`` for a
    refused token and ``RateLimited`` past its rate limit (``jishi.platform`` installs it when the app is ready)."""
    global _verifier
    _verifier = verify


class SessionAuth(APIKeyCookie):
    """The page's Django session; unsafe methods need the CSRF token (``X-CSRFToken`` header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only once the session is known to be logged in

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        request.api_token = None
        return user


def _refuse_scope(scopes: tuple[str, ...]) -> PermissionDenied:
    scope = " / ".join(scopes)
    return PermissionDenied(
        f"此令牌没有“{scope}”（{'或'.join(SCOPES[s] for s in scopes)}）权限", code="insufficient_scope",
        details={"required_scope": scope, "detail_en": f"token lacks scope {scope}"},
    )


SCOPES_ATTR = "required_scopes"  # set on the request by the operation's view decorator, read by TokenAuth
OPERATION_SCOPES: dict[str, tuple[str, ...]] = {}  # OpenAPI operationId → scopes (for the document)


def require_scope(*scopes: str) -> Callable:
    """Refuse a token that has none of ``scopes`` (403 ``insufficient_scope``), before the input is parsed.
    Put it under the route decorator. A POST that does not take ``Idempotency-Key`` itself also gets the
    generic one (``jishi.http.idempotency``)."""
    for scope in scopes:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")

    def name_scopes(run: Callable) -> Callable:
        @functools.wraps(run)
        def run_with_scopes(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            setattr(request, SCOPES_ATTR, scopes)
            return run(request, *args, **kwargs)

        return run_with_scopes

    def decorate(func: Callable) -> Callable:
        func.required_scope = " / ".join(scopes)
        func.required_scopes = scopes
        OPERATION_SCOPES[f"{func.__module__}_{func.__name__}".replace(".", "_")] = scopes
        # decorate_view: the last one runs first — the Idempotency-Key replay, then the scopes, then ninja.
        return decorate_view(name_scopes, *idempotency.view_decorators(func))(func)

    return decorate


def document(schema: dict) -> dict:
    """Name each operation's scopes in its ``TokenAuth`` security requirement of the OpenAPI document."""
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            scopes = OPERATION_SCOPES.get(operation.get("operationId", "")) if isinstance(operation, dict) else None
            if scopes:
                operation["security"] = [{"TokenAuth": list(scopes)}, {"SessionAuth": []}]
    return schema


def user_of(request: HttpRequest) -> Any:
    """The acting user of an authenticated API request (for the rows it writes; what it may see and do is
    ``request.actor``'s)."""
    return request.auth
