"""Forms of the open-port pages. They only parse what the admin typed; ``kwargs()`` gives the arguments of
the service function in ``jishi.platform.clients``, which checks permission and every rule itself."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jishi.org.choices import Level
from jishi.org.models import Department, Region
from jishi.platform import tokens
from jishi.platform.clients import MAX_RATE_LIMIT, REGION_LEVELS
from jishi.platform.models import ApiClient


def scope_label(scope: str) -> str:
    return gettext(tokens.SCOPES[scope]) if scope in tokens.SCOPES else scope


def scope_choices(only: list[str] | None = None) -> list[tuple[str, str]]:
    return [(k, f"{scope_label(k)}（{k}）") for k in tokens.SCOPES if only is None or k in only]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


class UsernameField(forms.CharField):
    """A login name typed by the admin, resolved to the user (the text is kept on error)."""

    def clean(self, value):
        value = super().clean(value)
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise forms.ValidationError(_("找不到账号“%(name)s”"), params={"name": value})
        return user


class PortForm(forms.Form):
    """Open or change a port."""

    name = forms.CharField(label=_("系统名称"), max_length=100,
                           error_messages={"required": _("请填写对接系统的名称")})
    kind = forms.ChoiceField(label=_("类型"), choices=ApiClient.Kind.choices)
    purpose = forms.CharField(label=_("申请事由"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    owner = UsernameField(label=_("负责人（账号）"), max_length=150,
                          error_messages={"required": _("请填写负责人的账号")})
    account = UsernameField(label=_("调用身份账号"), max_length=150,
                            help_text=_("令牌以此账号的角色办理；可见范围再受下面的区域/部门限制"),
                            error_messages={"required": _("请填写调用身份账号")})
    region = forms.CharField(label=_("限定区域（编码）"), required=False, max_length=20,
                             help_text=_("镇（街道）、村（社区）、网格或微网格的编码；全市请留空"),
                             widget=forms.TextInput(attrs={"list": "region-codes", "autocomplete": "off"}))
    department = forms.ModelChoiceField(label=_("限定部门"), required=False, empty_label=_("不限"),
                                        queryset=Department.objects.filter(is_active=True).order_by("code"))
    scopes = forms.MultipleChoiceField(label=_("权限范围"), choices=scope_choices, widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": _("令牌至少需要一个权限范围")})
    allowed_ips = forms.CharField(label=_("IP 白名单"), required=False, max_length=4000,
                                  help_text=_("每行一个 IP 地址或网段（CIDR），为空则不限"),
                                  widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}))
    rate_limit = forms.IntegerField(label=_("每分钟请求上限"), initial=600, min_value=1, max_value=MAX_RATE_LIMIT)
    expires_at = forms.DateField(label=_("到期日期"), required=False, help_text=_("当天结束时到期；为空则长期有效"),
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("没有编码为“%(code)s”的区域"), params={"code": code})
        if region.level not in REGION_LEVELS:
            raise forms.ValidationError(_("限定区域须是镇（街道）、村（社区）、网格或微网格；全市请留空"))
        return region

    def clean_expires_at(self) -> datetime | None:
        day = self.cleaned_data["expires_at"]
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))  # the end of that day

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "kind": d["kind"], "purpose": d["purpose"], "owner": d["owner"],
                "account": d["account"], "region": d["region"], "department": d["department"],
                "scopes": list(d["scopes"]), "allowed_ips": _lines(d["allowed_ips"]), "rate_limit": d["rate_limit"],
                "expires_at": d["expires_at"]}

    @classmethod
    def initial_for(cls, client: ApiClient) -> dict:
        expires = timezone.localtime(client.expires_at - timedelta(seconds=1)).date() if client.expires_at else None
        return {"name": client.name, "kind": client.kind, "purpose": client.purpose,
                "owner": client.owner.get_username(), "account": client.account.get_username(),
                "region": client.region.code if client.region_id else "", "department": client.department_id,
                "scopes": client.scopes, "allowed_ips": "\n".join(client.allowed_ips),
                "rate_limit": client.rate_limit, "expires_at": expires}


def region_suggestions() -> list[Region]:
    """Towns and villages for the region field's suggestion list (grids are typed by code)."""
    return list(Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE]).only("code", "name", "level")
                .order_by("path"))


class TokenForm(forms.Form):
    """Issue a token of a port: a name, a subset of the port's scopes, a lifetime in days."""

    name = forms.CharField(label=_("令牌名称"), max_length=100, required=False,
                           help_text=_("例如部署的服务器或用途；为空则用端口名称"))
    scopes = forms.MultipleChoiceField(label=_("权限范围"), required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("不勾选则与端口相同；不能超出端口的权限"))
    days = forms.IntegerField(label=_("有效天数"), initial=365, min_value=1, max_value=3650,
                              help_text=_("不超过端口的到期时间"))

    def __init__(self, *args, client: ApiClient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices(client.scopes)

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "scopes": list(d["scopes"]), "days": d["days"]}


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("关闭原因"), max_length=200, error_messages={"required": _("请填写关闭原因")})
