"""TOTP pages: enrol (scan the QR code, confirm a code, receive recovery codes) and verify after login."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from jishi.core.errors import ServiceError
from jishi.security import services, totp


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return img.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    if services.confirmed_device(request.user):
        return render(request, "security/totp_setup.html", {"enrolled": True, "next": _next(request)})
    device = services.start_enrolment(request.user)
    error = ""
    if request.method == "POST":
        try:
            codes = services.confirm_enrolment(request.user, request.POST.get("code", ""))
        except ServiceError as exc:
            error = exc.message
        else:
            request.session[services.SESSION_KEY] = request.user.pk
            return render(request, "security/recovery_codes.html", {"codes": codes, "next": _next(request)})
    uri = totp.provisioning_uri(device.secret, request.user.get_username(), services.issuer())
    return render(request, "security/totp_setup.html", {
        "qr_svg": _qr_svg(uri), "secret": device.secret, "uri": uri, "error": error, "next": _next(request),
    }, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request: HttpRequest) -> HttpResponse:
    if services.confirmed_device(request.user) is None:
        return redirect("security:totp-setup")
    error = ""
    if request.method == "POST":
        try:
            services.verify(request.user, request.POST.get("code", ""))
        except ServiceError as exc:
            error = exc.message
        else:
            request.session.cycle_key()
            request.session[services.SESSION_KEY] = request.user.pk
            return redirect(_next(request))
    return render(request, "security/totp_verify.html", {"error": error, "next": _next(request)},
                  status=422 if error else 200)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.renew_recovery_codes(request.user)
    except ServiceError as exc:
        return render(request, "security/totp_verify.html", {"error": exc.message, "next": "/"}, status=exc.status)
    return render(request, "security/recovery_codes.html", {"codes": codes, "next": "/"})
