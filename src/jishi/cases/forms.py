"""Forms of the case pages: the report form and one small form per verb of the loop.

A verb form only parses input; ``kwargs()`` gives the arguments of the service function, which
checks permission and invariants itself (so a form never decides what is allowed).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jishi.cases.choices import Rating
from jishi.core import limits
from jishi.org.models import Department, Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; validated by the service (type by magic bytes, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


def text(label: str, limit: int, **kwargs) -> forms.CharField:
    """A free-text field with its one limit (``jishi.core.limits``) and a message naming both."""
    return forms.CharField(label=label, max_length=limit, error_messages={"max_length": limits.too_long(label, limit)},
                           **kwargs)


class ReportForm(forms.Form):
    category = forms.CharField(label=_("事件分类"), max_length=limits.CODE)
    title = text(_("标题"), limits.TITLE)
    description = text(_("描述"), limits.DESCRIPTION, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    address = text(_("地址"), limits.ADDRESS, required=False)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(label=_("现场照片"))
    anonymous = forms.BooleanField(label=_("匿名上报"), required=False)
    on_spot = forms.BooleanField(label=_("已当场处置（自行处置）"), required=False)
    after = MultipleFileField(label=_("处置后照片"))
    on_spot_note = text(_("处置说明"), limits.NOTE, required=False)
    on_behalf = forms.CharField(label=_("代居民上报"), required=False, max_length=30)  # mobile or ID number


class HotlineForm(forms.Form):
    """A 12345 call entered by an operator or commander for the caller (``cases.intake``: the caller is the reporter)."""

    caller_name = text(_("来电人姓名"), limits.PERSON_NAME, required=False)
    caller_phone = forms.CharField(label=_("来电人电话"), max_length=limits.PHONE)
    ticket = forms.CharField(label=_("12345 工单号"), max_length=limits.REF)
    category = forms.CharField(label=_("事件分类"), max_length=limits.CODE)
    title = text(_("标题"), limits.TITLE)
    description = text(_("来电内容"), limits.DESCRIPTION, required=False)
    region = forms.CharField(label=_("所在村(社区)"), max_length=limits.CODE, required=False)
    address = text(_("地址"), limits.ADDRESS, required=False)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)


class ContactForm(forms.Form):
    via = forms.ChoiceField(choices=[("sms", _("短信")), ("call", _("回拨"))])
    text = text(_("短信内容"), 200, required=False)


class RevealForm(forms.Form):
    reason = text(_("理由"), limits.REASON, required=False)


class SupervisionReplyForm(forms.Form):
    supervision = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    note = text(_("回复"), 500, required=False)
    finish_by = forms.DateField(required=False)


class NoteForm(forms.Form):
    note = text(_("说明"), limits.NOTE, required=False)

    def kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class ReasonForm(forms.Form):
    reason = text(_("理由"), limits.REASON, required=False)

    def kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class HandleForm(NoteForm):
    files = MultipleFileField()

    def kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"], "files": self.cleaned_data["files"]}


class DispatchForm(forms.Form):
    target = forms.CharField(required=False)  # "d:<department id>" or "r:<region id>"; empty: category default
    note = text(_("说明"), limits.NOTE, required=False)

    def clean_target(self):
        value = self.cleaned_data["target"].strip()
        if not value:
            return {}
        kind, _, pk = value.partition(":")
        if not pk.isdigit() or kind not in ("d", "r"):
            raise forms.ValidationError(_("请选择承办部门或区域"))
        if kind == "d":
            dept = Department.objects.filter(pk=int(pk)).first()
            if dept is None:
                raise forms.ValidationError(_("部门不存在"))
            return {"department": dept}
        region = Region.objects.filter(pk=int(pk)).first()
        if region is None:
            raise forms.ValidationError(_("区域不存在"))
        return {"region": region}

    def kwargs(self) -> dict:
        return {**self.cleaned_data["target"], "note": self.cleaned_data["note"]}


class ExtensionForm(forms.Form):
    days = forms.IntegerField(required=False)
    reason = text(_("理由"), limits.REASON, required=False)

    def kwargs(self) -> dict:
        return {"days": self.cleaned_data["days"], "reason": self.cleaned_data["reason"]}


class ExtendForm(NoteForm):
    approve = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", initial="1")

    def kwargs(self) -> dict:
        return {"approve": self.cleaned_data["approve"], "note": self.cleaned_data["note"]}


class VerifyForm(HandleForm):
    passed = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")

    def kwargs(self) -> dict:
        return {"passed": self.cleaned_data["passed"], "note": self.cleaned_data["note"],
                "files": self.cleaned_data["files"]}


class RateForm(NoteForm):
    rating = forms.ChoiceField(choices=Rating.choices)

    def kwargs(self) -> dict:
        return {"rating": self.cleaned_data["rating"], "note": self.cleaned_data["note"]}


class OnSpotForm(NoteForm):
    before = MultipleFileField()
    after = MultipleFileField()

    def kwargs(self) -> dict:
        return {"before": self.cleaned_data["before"], "after": self.cleaned_data["after"],
                "note": self.cleaned_data["note"]}


class WhistleForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(queryset=Department.objects.filter(is_active=True), required=False)
    lead = forms.ModelChoiceField(queryset=Department.objects.filter(is_active=True), required=False)
    reason = text(_("理由"), limits.REASON, required=False)

    def kwargs(self) -> dict:
        return {"departments": list(self.cleaned_data["departments"]), "lead": self.cleaned_data["lead"],
                "reason": self.cleaned_data["reason"]}


VERB_FORMS: dict[str, type[forms.Form]] = {
    "accept": NoteForm, "reject": ReasonForm, "dispatch": DispatchForm, "acknowledge": NoteForm,
    "return": ReasonForm, "handle": HandleForm, "request_extension": ExtensionForm, "extend": ExtendForm,
    "suspend": ReasonForm, "resume": NoteForm, "verify": VerifyForm, "close": NoteForm, "rate": RateForm,
    "reopen": ReasonForm, "resolve_on_spot": OnSpotForm, "whistle": WhistleForm, "report_in": NoteForm,
    "supervise": NoteForm, "escalate": ReasonForm,
}


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("输入有误"))
