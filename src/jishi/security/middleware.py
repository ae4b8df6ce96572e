"""Security middleware: CSP with a per-request nonce, login throttling message, second-factor gate."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jishi.org.middleware import actor_of
from jishi.security import csp, services, throttle


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` and the Content-Security-Policy header (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp.policy(request.csp_nonce)
        return response


class _ThrottledForm(AuthenticationForm):
    message = ""

    def clean(self):
        raise ValidationError(self.message, code="throttled")


class LoginThrottleMiddleware:
    """A login POST for a locked username or address gets the login page with a clear message (429)
    instead of a password check. The backend (jishi.security.backends) enforces the same lock for
    every other way in (admin login, test clients)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in (reverse("login"), reverse("admin:login")):
            until = throttle.locked_until(request.POST.get("username"), throttle.client_ip(request))
            if until:
                from django.contrib.auth.views import LoginView

                message = throttle.refusal_message(until)
                form = type("ThrottledForm", (_ThrottledForm,), {"message": message})
                template = "admin/login.html" if request.path == reverse("admin:login") else "registration/login.html"
                response = LoginView.as_view(authentication_form=form, template_name=template,
                                             extra_context={"throttled_message": message})(request)
                if hasattr(response, "render"):
                    response.render()
                response.status_code = 429
                return response
        return self.get_response(request)


class SecondFactorMiddleware:
    """Admins and commanders with a confirmed authenticator must enter a code after the password
    (and, with JISHI_REQUIRE_TOTP=1, must enrol before using anything else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, path: str) -> bool:
        prefixes = [reverse("security:totp-verify"), reverse("security:totp-setup"), reverse("logout"),
                    reverse("login"), settings.STATIC_URL, "/i18n/", "/healthz"]
        return any(path.startswith(p) for p in prefixes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._exempt(request.path):
            return self.get_response(request)
        if request.session.get(services.SESSION_KEY) == user.pk or not services.second_factor_applies(actor_of(request)):
            return self.get_response(request)
        if services.confirmed_device(user):
            target, code, message = "security:totp-verify", "totp_required", _("请输入动态口令完成登录。")
        elif getattr(settings, "JISHI_REQUIRE_TOTP", False):
            target, code, message = "security:totp-setup", "totp_enrolment_required", _("请先设置动态口令（双因素认证）。")
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message}, status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
