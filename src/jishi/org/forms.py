"""Forms of the org pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

KIND_EXTENSIONS = {"regions": (".geojson", ".json"), "people": (".xlsx",)}


class ImportUploadForm(forms.Form):
    """Upload a region GeoJSON or a people/staff workbook for checking."""

    kind = forms.ChoiceField(
        label=_("导入内容"),
        choices=[("regions", _("区域边界（GeoJSON）")), ("people", _("人员与岗位（Excel .xlsx）"))],
        widget=forms.RadioSelect,
        initial="people",
    )
    file = forms.FileField(label=_("文件"))

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is None or kind is None:
            return data
        if not upload.name.lower().endswith(KIND_EXTENSIONS[kind]):
            self.add_error("file", _("文件类型应为 %(ext)s") % {"ext": " / ".join(KIND_EXTENSIONS[kind])})
        if upload.size > settings.UPLOAD_MAX_BYTES:
            self.add_error("file", _("文件不能超过 %(mb)d MB") % {"mb": settings.UPLOAD_MAX_BYTES // 1024 // 1024})
        return data


class ImportConfirmForm(forms.Form):
    """Confirm the import of the file checked a moment ago (identified by its token)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
