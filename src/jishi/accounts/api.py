"""The entrance API (/api/v1/auth/, its own OpenAPI document at /api/v1/auth/openapi.json): a phone app asks for a
code, enters with it (the session cookie is set, as on the page) and resets a password. Open to anonymous callers
— so not part of the token-scoped /api/v1 document — and limited like the pages (``jishi.accounts.services``).
Errors are problem+json; 429 carries Retry-After."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Router, Schema, Status

from jishi.accounts import services
from jishi.accounts.choices import CodePurpose
from jishi.core import limits
from jishi.http import problems
from jishi.security.throttle import client_ip

router = Router()
BACKEND = "jishi.security.backends.ThrottledModelBackend"


class AuthSmsCodeIn(Schema):
    phone: str = Field(..., max_length=limits.PHONE, description="11 位手机号")
    purpose: CodePurpose = Field(CodePurpose.ENTER, description="enter：登录/注册；reset：找回密码")


class AuthSmsCodeOut(Schema):
    sent: bool
    expires_in: int = Field(..., description="有效秒数")


class AuthEnterIn(Schema):
    phone: str = Field(..., max_length=limits.PHONE)
    code: str = Field(..., max_length=10)
    id_last6: str = Field("", max_length=6, description="首次注册：身份证号后 6 位")
    invitation: str = Field("", max_length=16, description="首次注册：村(社区)发放的邀请码")
    password: str = Field("", max_length=128, description="可选：设置登录密码")


class AuthEnterOut(Schema):
    user_id: int
    username: str
    created: bool = Field(..., description="本次新开通账号")


class AuthResetIn(Schema):
    phone: str = Field(..., max_length=limits.PHONE)
    code: str = Field(..., max_length=10)
    new_password: str = Field(..., max_length=128)


@router.post("/sms-code", response={202: AuthSmsCodeOut}, summary="发送短信验证码")
def sms_code(request: HttpRequest, body: AuthSmsCodeIn):
    seconds = services.send_code(body.phone, body.purpose, ip=client_ip(request))
    return Status(202, {"sent": True, "expires_in": seconds})


@router.post("/enter", response=AuthEnterOut, summary="手机号验证码登录；首次使用即注册并关联居民信息")
def enter(request: HttpRequest, body: AuthEnterIn):
    entered = services.enter(body.phone, body.code, id_last6=body.id_last6, invitation=body.invitation,
                             password=body.password, ip=client_ip(request))
    login(request, entered.user, backend=BACKEND)
    return {"user_id": entered.user.pk, "username": entered.user.get_username(), "created": entered.created}


@router.post("/password-reset", response={204: None}, summary="凭短信验证码重置密码")
def password_reset(request: HttpRequest, body: AuthResetIn):
    services.reset_password(body.phone, body.code, body.new_password)
    return Status(204, None)


def _too_many(request: HttpRequest, exc: services.TooManyAttempts):
    return problems.problem(429, exc.message, code=exc.code, detail_en="too many attempts",
                            headers={"Retry-After": str(exc.details.get("retry_after", 60))},
                            details={"retry_after": exc.details.get("retry_after", 60)})


def install(api: NinjaAPI) -> None:
    """Mount the entrance endpoints on ``api`` (built by the wiring) with problem+json errors."""
    problems.install(api)
    api.add_exception_handler(services.TooManyAttempts, _too_many)
    api.add_router("", router, tags=["auth"])
