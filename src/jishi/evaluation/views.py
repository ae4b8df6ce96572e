"""Evaluation pages (desktop for cadres and commanders, usable on a phone). Each view parses input, takes the
Actor, calls one service function, renders; a refusal shows its Chinese message and changes nothing."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.cases.files import validate_upload
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.core.scope import holds
from jishi.evaluation import access, excel, queries, services
from jishi.evaluation.choices import RuleKind, SchemeStatus, State
from jishi.evaluation.models import EvaluationEvent, Indicator, Scheme
from jishi.http.types import id_or_none
from jishi.org.middleware import actor_of
from jishi.org.models import Region
from jishi.org.policy import may_keep_evaluation_schemes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated or access.level(actor) is None:
        raise Http404(_("您没有社区评价工作"))
    return actor


def _assessment(request: HttpRequest, pk: int):
    try:
        return access.assessment_for(_actor(request), pk)
    except NotFound:
        raise Http404(_("评价不存在或不在您的范围内")) from None


def _villages(actor):
    return Region.objects.restrict(actor, access.ACTION).filter(level="village").order_by("path")


def _year(request: HttpRequest) -> int:
    y = id_or_none(request.GET.get("year"))
    return y if y and 2000 <= y <= 2100 else timezone.localdate().year


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if access.level(actor) == "village":
        v = _villages(actor).first()
        if v is not None:
            return redirect("evaluation-community", v.pk)
    return redirect("evaluation-compare")


def _scheme_for_year(year: int) -> Scheme | None:
    return services.current_scheme(year) or Scheme.objects.filter(year__lte=year, status=SchemeStatus.PUBLISHED) \
        .order_by("-year", "-version").first()


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """The city-wide comparison (a town: its communities): stars, totals, states."""
    actor = _actor(request)
    year = _year(request)
    scheme = _scheme_for_year(year)
    villages = _villages(actor).select_related("parent")
    town = id_or_none(request.GET.get("town"))
    if town:
        villages = villages.filter(town_id=town)
    data = queries.comparison(access.visible(actor), list(villages), scheme) if scheme else None
    towns = Region.objects.restrict(actor, access.ACTION).filter(level="town").order_by("path")
    return render(request, "evaluation/compare.html", {
        "active": "evaluation", "scheme": scheme, "year": year, "years": queries.years(), "data": data,
        "towns": towns, "town": town, "level": access.level(actor)})


@login_required
def compare_xlsx(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scheme = _scheme_for_year(_year(request))
    if scheme is None:
        raise Http404
    data = queries.comparison(access.visible(actor), list(_villages(actor).select_related("parent")), scheme)
    audit.record(actor.user, "evaluation.export", object_type="evaluation.scheme", object_id=scheme.pk,
                 summary=f"导出{scheme.year}年度社区评价对比 {data['total']} 个")
    resp = HttpResponse(excel.comparison_xlsx(scheme, data), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="evaluation-{scheme.year}.xlsx"'
    return resp


@login_required
def community(request: HttpRequest, village_id: int) -> HttpResponse:
    """A community's page: its star per year, the current assessment and its improvement list."""
    actor = _actor(request)
    village = Region.objects.filter(pk=village_id, level="village").select_related("parent").first()
    if village is None or not holds(actor, access.ACTION, village):
        raise Http404(_("该村(社区)不在您的范围内"))
    history = queries.stars_of(village)
    scheme = services.current_scheme(timezone.localdate().year)
    current = next((a for a in history if scheme and a.scheme_id == scheme.pk), None)
    latest = next((a for a in history if a.state == State.CONFIRMED), None)
    return render(request, "evaluation/community.html", {
        "active": "evaluation", "village": village, "history": history, "scheme": scheme, "current": current,
        "latest": latest, "improve": queries.improvements(current or latest) if (current or latest) else [],
        "may_start": scheme is not None and current is None and access.level(actor) == "village"})


@login_required
@require_POST
def start(request: HttpRequest, village_id: int) -> HttpResponse:
    actor = _actor(request)
    village = Region.objects.filter(pk=village_id).first()
    try:
        a = services.start_assessment(actor, village)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation-community", village_id)
    messages.success(request, _("已开始自评，自动计算指标已填入"))
    return redirect("evaluation-assessment", a.pk)


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    a = _assessment(request, pk)
    roots = queries.tree(a.scheme, a)
    level = access.level(actor)
    return render(request, "evaluation/assessment.html", {
        "active": "evaluation", "a": a, "roots": roots, "nodes": queries.flatten(roots),
        "events": EvaluationEvent.objects.filter(assessment=a).order_by("id"),
        "improve": queries.improvements(a), "rate": RuleKind.RATE,
        "may_self": level == "village" and a.state == State.DRAFT,
        "may_review": level == "town" and a.state == State.SUBMITTED,
        "may_confirm": level == "city" and a.state == State.REVIEWED})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    a = _assessment(request, pk)
    p = request.POST
    done = {"refresh": _("自动计算指标已更新"), "score": _("自评分已保存"), "evidence": _("佐证材料已上传"),
            "submit": _("自评已提交镇(街道)审核"), "adjust": _("已调整该项得分"), "review": _("审核通过，已报市级确认"),
            "return": _("已退回"), "confirm": _("已确认，星级已发布")}
    anchor = ""
    try:
        ind = id_or_none(p.get("indicator"))
        if ind:
            anchor = f"#i-{ind}"
        if verb == "refresh":
            services.refresh(actor, a)
        elif verb == "score":
            services.self_score(actor, a, ind, points=p.get("points"), note=p.get("note", ""))
        elif verb == "evidence":
            f = request.FILES.get("file")
            if f is None:
                raise ValidationFailed("请选择要上传的文件", field="file")
            services.add_evidence(actor, a, ind, validate_upload(f, field="file"))
        elif verb == "submit":
            services.submit(actor, a, note=p.get("note", ""))
        elif verb == "adjust":
            services.adjust(actor, a, ind, points=p.get("points"), reason=p.get("reason", ""))
        elif verb == "review":
            services.review(actor, a, note=p.get("note", ""))
        elif verb == "return":
            services.send_back(actor, a, reason=p.get("reason", ""))
        elif verb == "confirm":
            services.confirm(actor, a, note=p.get("note", ""))
        else:
            raise Http404
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(reverse("evaluation-assessment", args=[a.pk]) + anchor)
    messages.success(request, done[verb])
    return redirect(reverse("evaluation-assessment", args=[a.pk]) + anchor)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A piece of evidence, only to who may read its assessment."""
    actor = _actor(request)
    try:
        e = access.evidence_for(actor, pk)
    except NotFound:
        raise Http404 from None
    resp = FileResponse(e.file.open("rb"), content_type=e.content_type)
    resp["Content-Disposition"] = "inline"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The community's evaluation report, laid out for printing (A4)."""
    actor = _actor(request)
    a = _assessment(request, pk)
    audit.record(actor.user, "evaluation.print", a, summary=f"{a.village.name} 打印{a.scheme.year}年度评价报告")
    roots = queries.tree(a.scheme, a)
    return render(request, "evaluation/report.html", {
        "a": a, "nodes": queries.flatten(roots), "roots": roots, "improve": queries.improvements(a),
        "events": EvaluationEvent.objects.filter(assessment=a, verb__in=["submit", "adjust", "review", "confirm"])
        .order_by("id"), "today": timezone.localdate()})


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    a = _assessment(request, pk)
    audit.record(actor.user, "evaluation.export", a, summary=f"{a.village.name} 导出{a.scheme.year}年度评价报告")
    resp = HttpResponse(excel.report_xlsx(a, queries.flatten(queries.tree(a.scheme, a)), queries.improvements(a)),
                        content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="evaluation-{a.scheme.year}-{a.village.code}.xlsx"'
    return resp


@login_required
def schemes(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    keeper = may_keep_evaluation_schemes(actor)
    if request.method == "POST":
        if not keeper:
            raise Http404
        try:
            s = services.create_scheme(actor, year=id_or_none(request.POST.get("year")) or 0,
                                       name=request.POST.get("name", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已新建评价体系草案（1+3+5+N）"))
            return redirect("evaluation-scheme", s.pk)
    rows = Scheme.objects.all().order_by("-year", "-version")
    return render(request, "evaluation/schemes.html", {"active": "evaluation", "schemes": rows, "keeper": keeper,
                                                       "next_year": timezone.localdate().year + 1})


@login_required
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    s = Scheme.objects.filter(pk=pk).first()
    if s is None:
        raise Http404
    roots = queries.tree(s)
    return render(request, "evaluation/scheme.html", {
        "active": "evaluation", "s": s, "nodes": queries.flatten(roots), "roots": roots,
        "keeper": may_keep_evaluation_schemes(actor), "rules": RuleKind.choices,
        "used": s.assessments.count()})


@login_required
@require_POST
def scheme_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    s = Scheme.objects.filter(pk=pk).first()
    if s is None:
        raise Http404
    p = request.POST
    try:
        if verb == "publish":
            services.publish(actor, s)
            messages.success(request, _("评价体系已发布"))
        elif verb == "version":
            s = services.new_version(actor, s, year=id_or_none(p.get("year")))
            messages.success(request, _("已建新版本草案"))
        elif verb == "indicator":
            ind = Indicator.objects.filter(pk=id_or_none(p.get("indicator")), scheme=s).first()
            if ind is None:
                raise Http404
            fields = {"points": _float(p.get("points"), "points"), "must_pass": p.get("must_pass") == "on",
                      "standard": p.get("standard", ""), "advice": p.get("advice", "")}
            if ind.method == "computed":
                fields.update(full=_float(p.get("full"), "full"), zero=_float(p.get("zero"), "zero"))
            services.update_indicator(actor, ind, **fields)
            messages.success(request, _("指标已修改"))
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("evaluation-scheme", s.pk)


def _float(value, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValidationFailed("请填写数字", field=field) from None
    if not math.isfinite(number):
        raise ValidationFailed("请填写数字", field=field)
    return number
