"""The 共富基金 pages: the fund with its totals rolled up from its projects, the weak villages' income
before/after, each project with its approval, payments and income."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.blueprint import access, excel, funds, queries
from jishi.blueprint.models import Fund
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.org.middleware import actor_of


def _actor(request):
    actor = actor_of(request)
    if not actor.is_authenticated or not actor.scope("blueprint").regional:
        raise Http404(_("您没有共富基金工作"))
    return actor


def _fund(request) -> Fund:
    pk = request.GET.get("fund", "")
    f = (Fund.objects.filter(pk=int(pk)).first() if pk.isdigit() else None) or Fund.objects.order_by("id").first()
    if f is None:
        raise Http404(_("还没有设立共富基金"))
    return f


@login_required
def fund(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    f = _fund(request)
    projects = queries.fund_projects(actor, f)
    return render(request, "blueprint/fund.html", {
        "active": "blueprint", "tab": "fund", "fund": f, "funds": Fund.objects.order_by("id"),
        "totals": queries.fund_totals(f, projects), "rows": queries.fund_rows(projects),
        "villages": queries.village_before_after(projects), "tranches": f.tranches.all()})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    f = _fund(request)
    data = excel.fund_xlsx(queries.fund_rows(queries.fund_projects(actor, f)))
    audit.record(actor.user, "fund.export", f, summary=f"导出{f.name}项目台账")
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="fund.xlsx"'
    return resp


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        fp = access.fund_project_for(actor, pk)
    except NotFound:
        raise Http404 from None
    return render(request, "blueprint/fund_project.html", {
        "active": "blueprint", "tab": "fund", "fp": fp, "disbursements": fp.disbursements.all(),
        "incomes": fp.incomes.order_by("year"), "city": actor.scope("manage").everything,
        "paid": sum(d.amount for d in fp.disbursements.all()), "today": timezone.localdate()})


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _actor(request)
    try:
        fp = access.fund_project_for(actor, pk)
    except NotFound:
        raise Http404 from None
    post = request.POST
    try:
        if verb == "approve":
            funds.decide(actor, fp, approve=post.get("approve") == "1", note=post.get("note", ""))
        elif verb == "disburse":
            try:
                paid_on = date.fromisoformat(post.get("paid_on", ""))
            except ValueError:
                raise ValidationFailed(_("日期格式不对（年-月-日）"), field="paid_on") from None
            funds.disburse(actor, fp, amount=post.get("amount", ""), paid_on=paid_on, note=post.get("note", ""))
        elif verb == "income":
            year = post.get("year", "")
            if not year.isdigit():
                raise ValidationFailed(_("年度不对"), field="year")
            funds.record_income(actor, fp, year=int(year), amount=post.get("amount", ""))
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存"))
    return redirect("blueprint-fund-project", fp.pk)
