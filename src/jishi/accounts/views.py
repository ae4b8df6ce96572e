"""Entrance pages (mounted at /accounts/): the resident entrance by phone and SMS code, password reset by code,
the password change (forced after a bulk opening), a cadre's invitation with its QR code, and the admin's bulk
opening of staff accounts. Each view parses input, calls one service, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jishi.accounts import qr, services, sheets
from jishi.accounts.choices import CodePurpose
from jishi.accounts.signals import SESSION_KEY as MUST_CHANGE
from jishi.core import limits
from jishi.core.errors import ServiceError
from jishi.org.middleware import actor_of
from jishi.org.models import Person
from jishi.org.privacy import mask_name, mask_phone
from jishi.security.throttle import client_ip

BACKEND = "jishi.security.backends.ThrottledModelBackend"
PHONE_KEY, INVITE_KEY, RESET_KEY = "entrance_phone", "entrance_invite", "reset_phone"


def _field(request: HttpRequest, name: str, limit: int) -> str:
    return (request.POST.get(name) or "")[:limit]


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _status(exc: ServiceError | None) -> int:
    return exc.status if exc else 200


@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number; a code is sent."""
    if request.user.is_authenticated:
        return redirect("home")
    if request.GET.get("invite"):
        request.session[INVITE_KEY] = request.GET["invite"][:16]
    error = None
    if request.method == "POST":
        phone = _field(request, "phone", limits.PHONE)
        try:
            seconds = services.send_code(phone, CodePurpose.ENTER, ip=client_ip(request))
        except ServiceError as exc:
            error = exc
        else:
            request.session[PHONE_KEY] = "".join(c for c in phone if c.isdigit())[-11:]
            messages.info(request, _("验证码已发送至 %(phone)s，%(minutes)s 分钟内有效。")
                          % {"phone": mask_phone(request.session[PHONE_KEY]), "minutes": seconds // 60})
            return redirect("accounts:enter-code")
    return render(request, "accounts/enter.html", {
        "error": error, "phone": request.POST.get("phone", "")[:limits.PHONE],
        "invited": bool(request.session.get(INVITE_KEY))}, status=_status(error))


@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code (and, the first time, the ID check or the invitation code): signed in."""
    phone = request.session.get(PHONE_KEY)
    if not phone:
        return redirect("accounts:enter")
    error = None
    if request.method == "POST":
        try:
            entered = services.enter(
                phone, _field(request, "code", 10), id_last6=_field(request, "id_last6", 6),
                invitation=_field(request, "invitation", 16) or request.session.get(INVITE_KEY, ""),
                password=_field(request, "password", 128), ip=client_ip(request))
        except ServiceError as exc:
            error = exc
        else:
            login(request, entered.user, backend=BACKEND)
            if entered.created:
                messages.success(request, _("注册成功，已关联您的居民信息。"))
            return redirect(_next(request))
    return render(request, "accounts/enter_code.html", {
        "error": error, "masked_phone": mask_phone(phone), "invite": request.session.get(INVITE_KEY, ""),
        "next": _next(request) if request.GET.get("next") else ""}, status=_status(error))


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    """Password reset, step 1: the phone number."""
    error = None
    if request.method == "POST":
        phone = _field(request, "phone", limits.PHONE)
        try:
            services.send_code(phone, CodePurpose.RESET, ip=client_ip(request))
        except ServiceError as exc:
            error = exc
        else:
            request.session[RESET_KEY] = "".join(c for c in phone if c.isdigit())[-11:]
            messages.info(request, _("如该手机号已开通账号，验证码已发送。"))
            return redirect("accounts:reset-code")
    return render(request, "accounts/reset.html", {"error": error, "phone": request.POST.get("phone", "")[:20]},
                  status=_status(error))


@require_http_methods(["GET", "POST"])
def reset_code(request: HttpRequest) -> HttpResponse:
    """Password reset, step 2: the code and the new password."""
    phone = request.session.get(RESET_KEY)
    if not phone:
        return redirect("accounts:reset")
    error = None
    if request.method == "POST":
        new, again = _field(request, "new_password", 128), _field(request, "new_password2", 128)
        try:
            if new != again:
                raise services.ValidationFailed(_("两次输入的新密码不一致。"), field="new_password2")
            services.reset_password(phone, _field(request, "code", 10), new)
        except ServiceError as exc:
            error = exc
        else:
            request.session.pop(RESET_KEY, None)
            messages.success(request, _("密码已重置，请用新密码登录。"))
            return redirect("login")
    return render(request, "accounts/reset_code.html", {"error": error, "masked_phone": mask_phone(phone)},
                  status=_status(error))


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password; the only page a bulk-opened account sees until it has."""
    error = None
    if request.method == "POST":
        new, again = _field(request, "new_password", 128), _field(request, "new_password2", 128)
        try:
            if new != again:
                raise services.ValidationFailed(_("两次输入的新密码不一致。"), field="new_password2")
            services.change_password(request.user, _field(request, "old_password", 128), new)
        except ServiceError as exc:
            error = exc
        else:
            update_session_auth_hash(request, request.user)
            request.session.pop(MUST_CHANGE, None)
            messages.success(request, _("密码已修改。"))
            return redirect(_next(request))
    return render(request, "accounts/password_change.html", {
        "error": error, "forced": bool(request.session.get(MUST_CHANGE)), "next": _next(request)},
        status=_status(error))


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, person_id: int) -> HttpResponse:
    """A cadre issues an invitation for a person in their charge: the code and its QR, shown once."""
    actor = actor_of(request)
    person = Person.objects.restrict(actor, "manage").filter(pk=person_id).first()
    if person is None:
        raise Http404
    context: dict = {"person": person, "name": mask_name(person.name), "has_account": bool(person.user_id)}
    status = 200
    if request.method == "POST":
        try:
            row, code = services.invite(actor, person)
        except ServiceError as exc:
            context["error"], status = exc, exc.status
        else:
            link = request.build_absolute_uri(f"{reverse('accounts:enter')}?invite={code}")
            context.update(code=code, link=link, qr_svg=qr.svg(link), expires_at=row.expires_at)
    return render(request, "accounts/invite.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def staff_accounts(request: HttpRequest) -> HttpResponse:
    """After the people import: open the accounts of staff without one; the initial passwords come back once,
    as a spreadsheet (only their hashes are kept)."""
    actor = actor_of(request)
    try:
        waiting = services.staff_without_accounts(actor).count()
    except ServiceError as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    if request.method == "POST":
        rows = services.open_staff_accounts(actor)
        if rows:
            response = HttpResponse(sheets.staff_accounts_xlsx(rows), content_type=sheets.XLSX)
            response["Content-Disposition"] = 'attachment; filename="staff-accounts.xlsx"'
            response["Cache-Control"] = "no-store"
            return response
        messages.info(request, _("没有需要开通账号的在岗人员。"))
        return redirect("accounts:staff")
    return render(request, "accounts/staff.html", {"waiting": waiting, "active": "import"})
