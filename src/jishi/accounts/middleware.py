"""Two gates after login: a host serves only the roles it is set up for (JISHI_HOST_ROLES), and an account that
must change its password (a bulk-opened staff account) is sent to the change page until it has."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jishi.accounts import hosts
from jishi.accounts.signals import SESSION_KEY
from jishi.org.middleware import actor_of

OPEN_PREFIXES = ("/accounts/", "/logout/", "/login/", "/i18n/", "/healthz", "/favicon")


def _problem(status: int, code: str, detail: str) -> HttpResponse:
    body = {"type": f"urn:jishi:problem:{code}", "title": detail, "status": status, "detail": detail,
            "code": code, "field": None, "errors": []}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/problem+json")


def _open(path: str) -> bool:
    return path.startswith(OPEN_PREFIXES) or path.startswith(settings.STATIC_URL)


class HostRolesMiddleware:
    """On a host limited to some roles (the internet-facing resident host), staff pages are never served: the
    admin site is not there, API tokens are refused, and a session whose account holds any other role is
    signed out and refused (403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        allowed = hosts.allowed_roles(request.get_host())
        if allowed is None:
            return self.get_response(request)
        request.host_roles = allowed
        if request.path.startswith("/admin/") and "admin" not in allowed:
            raise Http404
        if request.path.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer"):
            return _problem(403, "host_refuses_tokens", _("此入口不受理接口令牌，请通过政务内网访问开放接口。"))
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(("/logout/", "/static/"))
                and not hosts.serves(allowed, actor_of(request).roles)):
            logout(request)
            message = _("此入口仅供居民、小蜜蜂、商户和志愿者使用；工作人员请通过政务内网登录。")
            if request.path.startswith("/api/"):
                return _problem(403, "host_role_refused", message)
            raise PermissionDenied(message)
        return self.get_response(request)


class PasswordChangeMiddleware:
    """Until a bulk-opened account has changed its initial password, every page leads to the change page
    (the API answers 403 ``password_change_required``). Reads the session only (set at login)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _open(request.path) or not request.session.get(SESSION_KEY):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return _problem(403, "password_change_required", _("首次登录请先修改初始密码。"))
        target = reverse("accounts:password-change")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
