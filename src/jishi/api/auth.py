"""Who is calling: a bearer token (``Authorization: Bearer jsk_…``) or the Django session of a logged-in
page (so htmx can call the API), with CSRF enforced for the session on unsafe methods.

Every operation names the token scope it needs with ``@require_scope("cases:read")``. A session
carries all scopes (the user's roles and data scope still decide what they may see and do); a token
carries only its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.signature.utils import get_typed_signature
from ninja.utils import check_csrf

from jishi.api import ratelimit, tokens
from jishi.core.errors import PermissionDenied

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
    at once (401) and never falls back to the session."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            row = tokens.authenticate(token, request.META.get("REMOTE_ADDR"))
        except tokens.TokenRefused as exc:
            raise Unauthorized(exc.message, exc.message_en)
        limit, retry_after = ratelimit.hit_token(row)
        if retry_after is not None:
            raise RateLimited(limit, retry_after)
        request.api_token = row
        request.user = row.user
        return row.user


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
        f"此令牌没有“{scope}”（{'或'.join(tokens.SCOPES[s] for s in scopes)}）权限", code="insufficient_scope",
        details={"required_scope": scope, "detail_en": f"token lacks scope {scope}"},
    )


def install_scope_checks(api) -> None:
    """Check each operation's scope right after authentication, before its input is even parsed, so a token
    without the scope learns nothing from validation errors. (``require_scope`` checks again in the view.)"""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                scopes = getattr(operation.view_func, "required_scopes", None)
                if scopes:
                    operation._run_checks = _checked(operation, operation._run_checks, scopes)


def _checked(operation, original: Callable, scopes: tuple[str, ...]) -> Callable:
    def run_checks(request: HttpRequest) -> Any:
        error = original(request)
        if error is not None:
            return error
        token = getattr(request, "api_token", None)
        if token is not None and not set(scopes) & set(token.scopes):
            return operation.api.on_exception(request, _refuse_scope(scopes))
        return None

    return run_checks


def require_scope(*scopes: str) -> Callable:
    """Refuse a token that has none of ``scopes`` (403 ``insufficient_scope``). Put it under the route decorator."""
    for scope in scopes:
        if scope not in tokens.SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
    scope = " / ".join(scopes)

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            token = getattr(request, "api_token", None)
            if token is not None and not set(scopes) & set(token.scopes):
                raise _refuse_scope(scopes)
            return func(request, *args, **kwargs)

        # ninja reads the signature (and resolves string annotations in the function's module) now.
        wrapper.__signature__ = get_typed_signature(func)
        wrapper.required_scope = scope
        wrapper.required_scopes = scopes
        return wrapper

    return decorate


def user_of(request: HttpRequest) -> Any:
    """The acting user of an authenticated API request."""
    return request.auth
