"""Pages: the board of a unit type and month (published or live, printable 公示), the drill-down to
the exact cases behind any number, and .xlsx exports of both. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jishi.core.errors import ServiceError
from jishi.org.middleware import actor_of
from jishi.scoring import boards, excel
from jishi.scoring.indicators import UNIT_TYPES, cases_behind, get_indicator
from jishi.scoring.models import Scheme
from jishi.scoring.periods import Month, Period, containing, parse_period
from jishi.scoring.presenting import board_view, trend_view

PART_LABELS = {"numerator": gettext_lazy("分子"), "denominator": gettext_lazy("分母"), "partial": gettext_lazy("基本满意")}


def _viewer(request: HttpRequest) -> None:
    if not boards.can_view(actor_of(request)):
        raise PermissionDenied


PERIOD_KINDS = [("month", gettext_lazy("月度")), ("quarter", gettext_lazy("季度")), ("year", gettext_lazy("年度"))]


def _month(text: str) -> Period:
    """The board's period from the URL: a month, a quarter (2026-Q4) or a year (2026)."""
    try:
        return parse_period(text)
    except ServiceError:
        raise Http404 from None


def _unit_type(unit_type: str) -> str:
    if unit_type not in UNIT_TYPES:
        raise Http404
    return unit_type


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return resp


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    unit_type = request.GET.get("unit_type") or "department"
    month = request.GET.get("month") or str(Month.current().previous())
    return redirect("scoring-board", _unit_type(unit_type), str(_month(month)))


@login_required
def board(request: HttpRequest, unit_type: str, month: str) -> HttpResponse:
    _viewer(request)
    m = _month(month)
    try:
        view = board_view(_unit_type(unit_type), m, request.GET.get("scheme") or None)
    except ServiceError as exc:
        raise Http404(exc.message) from None
    return render(request, "scoring/board.html", {
        "active": "scoring", "view": view, "unit_types": UNIT_TYPES.items(), "month": m,
        "kinds": [(kind, label, containing(kind, m)) for kind, label in PERIOD_KINDS],
        "month_value": containing("month", m),
        "is_current": m == type(m).current(), "printing": request.GET.get("print") == "1",
        "schemes": Scheme.objects.filter(is_active=True).order_by("code", "-version").distinct(),
        "can_publish": boards.can_publish(actor_of(request)) and view.board is None
        and m.is_over(), "prev": m.previous(), "next": m.next()})


@login_required
@require_POST
def publish(request: HttpRequest, unit_type: str, month: str) -> HttpResponse:
    _viewer(request)
    m = _month(month)
    try:
        from jishi.scoring.schemes import scheme_for

        boards.publish_board(actor_of(request), _unit_type(unit_type), m, scheme_for(unit_type, request.POST.get("scheme") or None))
        messages.success(request, _("考核排名已发布（冻结快照）"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("scoring-board", unit_type, str(m))


@login_required
def board_export(request: HttpRequest, unit_type: str, month: str) -> HttpResponse:
    _viewer(request)
    view = board_view(_unit_type(unit_type), _month(month), request.GET.get("scheme") or None)
    return _xlsx(excel.board_xlsx(view), f"board-{unit_type}-{month}.xlsx")


def _drill(request: HttpRequest, unit_type: str, month: str, unit_id: int, key: str, part: str):
    _viewer(request)
    m = _month(month)
    try:
        ind = get_indicator(key, _unit_type(unit_type))
        all_cases = cases_behind(ind, part, unit_type, unit_id, m)
    except ServiceError:
        raise Http404 from None
    return ind, m, all_cases, all_cases.restrict(actor_of(request), "view")


@login_required
def drill(request: HttpRequest, unit_type: str, month: str, unit_id: int, key: str, part: str) -> HttpResponse:
    ind, m, all_cases, cases = _drill(request, unit_type, month, unit_id, key, part)
    page = Paginator(cases.select_related("category", "handling_department", "town", "village").order_by(
        "reported_at", "id"), 50).get_page(request.GET.get("page"))
    view = board_view(unit_type, m)
    row = next((r for r in view.rows if r.unit_id == unit_id), None)
    return render(request, "scoring/drill.html", {
        "active": "scoring", "indicator": ind, "part": part, "part_label": PART_LABELS.get(part, part),
        "unit_type": unit_type, "unit_type_label": UNIT_TYPES[unit_type], "month": m, "unit_id": unit_id,
        "unit_name": row.name if row else unit_id, "page": page, "total": all_cases.count(),
        "shown": page.paginator.count, "trend": trend_view(unit_type, unit_id, m)})


@login_required
def drill_export(request: HttpRequest, unit_type: str, month: str, unit_id: int, key: str, part: str) -> HttpResponse:
    ind, m, _all, cases = _drill(request, unit_type, month, unit_id, key, part)
    return _xlsx(excel.cases_xlsx(cases, f"{ind.label}{PART_LABELS.get(part, '')}"),
                 f"cases-{unit_type}-{month}-{unit_id}-{key}-{part}.xlsx")
