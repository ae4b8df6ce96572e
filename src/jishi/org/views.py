"""Org pages: the import page (check an uploaded file, show every problem, confirm the import)."""

from __future__ import annotations

import io
import secrets
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jishi.core.errors import PermissionDenied
from jishi.org.forms import ImportConfirmForm, ImportUploadForm
from jishi.org.imports import ImportReport, import_people, import_regions, write_template
from jishi.org.imports.report import require_importer
from jishi.org.middleware import actor_of

SESSION_KEY = "org_import"
SHOWN_PROBLEMS = 1000


def importer_required(view):
    """Admins and the city command centre only; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            require_importer(actor_of(request))
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        return view(request, *args, **kwargs)

    return wrapped


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run(user, kind: str, path: Path, dry_run: bool) -> ImportReport:
    if kind == "regions":
        return import_regions(user, path, dry_run=dry_run)
    return import_people(user, path, dry_run=dry_run)


def _page(request, form, report: ImportReport | None = None, *, pending: dict | None = None, status: int = 200):
    context = {
        "form": form,
        "report": report,
        "problems": report.problems[:SHOWN_PROBLEMS] if report else [],
        "hidden_problems": max(0, len(report.problems) - SHOWN_PROBLEMS) if report else 0,
        "pending": pending,
        "confirm_form": ImportConfirmForm(initial={"token": pending["token"]}) if pending else None,
        "active": "import",
    }
    return render(request, "org/import.html", context, status=status)


@importer_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """GET: the upload form. POST: check the file (nothing is written) and show the report."""
    if request.method == "GET":
        return _page(request, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    token = secrets.token_hex(16)
    path = _upload_dir() / f"{token}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as out:
        for part in upload.chunks():
            out.write(part)
    report = _run(request.user, kind, path, dry_run=True)
    pending = None
    if report.ok:
        pending = {"token": token, "kind": kind, "name": upload.name, "path": str(path)}
        _forget(request)
        request.session[SESSION_KEY] = pending
    else:
        path.unlink(missing_ok=True)
    return _page(request, ImportUploadForm(initial={"kind": kind}), report, pending=pending)


@importer_required
@require_POST
def import_confirm(request):
    """Import the file checked a moment ago, in one transaction, and show what was written."""
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY)
    if not form.is_valid() or not pending or pending["token"] != form.cleaned_data["token"]:
        report = ImportReport(kind="")
        report.add(0, _("文件"), _("没有待确认的导入，或该文件已导入，请重新上传"))
        return _page(request, ImportUploadForm(), report, status=409)
    report = _run(request.user, pending["kind"], Path(pending["path"]), dry_run=False)
    _forget(request)  # imported, or no longer valid: either way the file is done with
    return _page(request, ImportUploadForm(initial={"kind": pending["kind"]}), report)


def _forget(request) -> None:
    old = request.session.pop(SESSION_KEY, None)
    if old:
        Path(old["path"]).unlink(missing_ok=True)


@importer_required
@require_GET
def people_template(request):
    """The empty people/staff template as an .xlsx download."""
    buffer = io.BytesIO()
    write_template(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=\"people-template.xlsx\"; filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response
