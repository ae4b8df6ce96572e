"""Burden pages (desktop for departments and commanders; the village's reply works at 390 px): the ledgers
(choose, preview, Excel, print), data requests (create, completion, remind, combined sheet), a village's reply
(prefilled, draft, submit) and the city's burden page. Each view parses input, takes the Actor, calls one
service function, renders; a refusal shows its Chinese message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jishi.burden import access, book, excel, queries, requests, sources
from jishi.burden.choices import FieldKind, Origin, ReplyState
from jishi.burden.models import DataRequest
from jishi.core import audit
from jishi.core.errors import NotFound, ServiceError, ValidationFailed
from jishi.org.choices import Level
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Region
from jishi.org.policy import may_answer_data, may_read_burden, may_request_data

FIELD_ROWS = 8  # the blank field rows of the new-request form
NOTE = excel.NOTE


def _actor(request: HttpRequest):
    actor = actor_of(request)
    if not actor.is_authenticated:
        raise Http404
    return actor


def _attachment(body: bytes, name: str) -> HttpResponse:
    resp = HttpResponse(body, content_type=excel.XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


# --- ledgers ----------------------------------------------------------------------------------------------

def _opened(request, actor):
    try:
        return book.open_ledger(actor, request.GET.get("ledger", ""), request.GET.get("region"),
                                request.GET.get("month", ""))
    except NotFound:
        raise Http404 from None


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    """Choose a ledger, a region and a month; the preview below."""
    actor = _actor(request)
    home = book.home(actor)
    if home is None:
        raise Http404
    regions = list(book.regions(actor)[:400])
    opened, error = None, ""
    if request.GET.get("ledger"):
        try:
            opened = _opened(request, actor)
            opened["display"] = book.display(opened["table"], 200)
        except ValidationFailed as exc:
            error = exc.message
    first, _last = book.month_of("")
    return render(request, "burden/ledgers.html", {
        "active": "ledgers", "ledgers": book.available(), "regions": regions, "home": home, "o": opened,
        "error": error, "f": request.GET, "default_month": f"{first:%Y-%m}", "note": NOTE,
        "query": request.GET.urlencode()})


def _ledger_or_400(request, actor):
    try:
        return _opened(request, actor)
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")


@login_required
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    o = _ledger_or_400(request, actor)
    if isinstance(o, HttpResponse):
        return o
    body = excel.ledger_xlsx(str(o["ledger"].label), o["region"].name, o["first"], o["last"], o["table"],
                             book.TOTAL_LABELS)
    audit.record(actor.user, "burden.ledger_export", object_type="burden.ledger", object_id=o["ledger"].code,
                 summary=f"导出{o['ledger'].label}（{o['region'].name} {o['first']:%Y-%m}）"[:300])
    return _attachment(body, f"ledger-{o['ledger'].code}-{o['region'].pk}-{o['first']:%Y%m}.xlsx")


@login_required
def ledger_print(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    o = _ledger_or_400(request, actor)
    if isinstance(o, HttpResponse):
        return o
    o["display_all"] = book.display(o["table"])
    return render(request, "burden/ledger_print.html", {"o": o, "note": NOTE, "printed_at": timezone.localtime(),
                                                        "query": request.GET.urlencode()})


# --- data requests: the department's side ---------------------------------------------------------------

@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """A department's requests with their completion; a village cadre's open requests."""
    actor = _actor(request)
    asks, answers = may_request_data(actor), may_answer_data(actor)
    if not (asks or answers):
        raise Http404
    mine = list(access.managed_requests(actor).select_related("department")[:200]) if asks else []
    done = {r["request_id"]: r["n"] for r in queries.submitted_counts([r.pk for r in mine])}
    total = {r["request_id"]: r["n"] for r in queries.reply_counts([r.pk for r in mine])}
    rows = [{"r": r, "submitted": done.get(r.pk, 0), "villages": total.get(r.pk, 0)} for r in mine]
    inbox = queries.inbox(access.my_replies(actor)) if answers else []
    return render(request, "burden/requests.html", {"active": "datarequests", "rows": rows, "asks": asks,
                                                    "inbox": inbox, "today": timezone.localdate()})


def _form_fields(post) -> list[dict]:
    out = []
    for i in range(1, FIELD_ROWS + 1):
        label = (post.get(f"label_{i}") or "").strip()
        source = (post.get(f"source_{i}") or "").strip()
        if not label and not source:
            continue
        if not label and source in sources.SOURCES:
            label = str(sources.SOURCES[source].label)
        out.append({"label": label, "key": (post.get(f"key_{i}") or "").strip(), "kind": post.get(f"kind_{i}") or "",
                    "source": source, "required": post.get(f"required_{i}") == "on",
                    "minutes": (post.get(f"minutes_{i}") or "5").strip(), "help": post.get(f"help_{i}") or "",
                    "choices": [c for c in (post.get(f"choices_{i}") or "").replace("，", ",").split(",") if c.strip()]})
    return out


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not may_request_data(actor) or actor.scope("datarequest").empty:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            req = requests.create_request(actor, title=request.POST.get("title", ""),
                                          purpose=request.POST.get("purpose", ""),
                                          deadline=request.POST.get("deadline", ""), fields=_form_fields(request.POST),
                                          towns=request.POST.getlist("towns"), villages=request.POST.getlist("villages"),
                                          department=request.POST.get("department") or None)
        except ServiceError as exc:
            error = exc.message
        else:
            messages.success(request, f"已发布填报需求 {req.number}，已通知 {req.replies.count()} 个村(社区)")
            return redirect("burden-request", pk=req.pk)
    scope = actor.scope("datarequest")
    departments = Department.objects.filter(is_active=True).order_by("code") if scope.everything else \
        Department.objects.filter(pk__in=sorted(scope.department))
    towns = list(Region.objects.filter(level=Level.TOWN).order_by("path"))
    villages = list(Region.objects.filter(level=Level.VILLAGE).select_related("town").order_by("path"))
    return render(request, "burden/request_new.html", {
        "active": "datarequests", "error": error, "p": request.POST, "rows": range(1, FIELD_ROWS + 1),
        "kinds": FieldKind.choices, "sources": sources.choices(), "departments": departments, "towns": towns,
        "villages": villages, "chosen_towns": request.POST.getlist("towns"),
        "chosen_villages": request.POST.getlist("villages"), "min_date": f"{timezone.localdate():%Y-%m-%d}"})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        req = access.request_for(actor, pk)
    except NotFound:
        raise Http404 from None
    c = queries.completion(req)
    return render(request, "burden/request.html", {
        "active": "datarequests", "req": req, "fields": list(req.fields.all()), "c": c,
        "events": list(req.events.order_by("-id")[:30])})


@login_required
@require_POST
def request_remind(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        n = requests.remind(actor, pk, villages=request.POST.getlist("villages"))
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已催报 {n} 个村(社区)")
    return redirect("burden-request", pk=pk)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        requests.close_request(actor, pk)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已截止填报")
    return redirect("burden-request", pk=pk)


@login_required
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        req = access.request_for(actor, pk)
    except NotFound:
        raise Http404 from None
    fields, rows = queries.combined(req)
    audit.record(actor.user, "burden.export", req, summary=f"导出填报汇总表 {req.number}")
    return _attachment(excel.combined_xlsx(req, fields, rows), f"datarequest-{req.number}.xlsx")


# --- a village's reply ------------------------------------------------------------------------------------

def _items(reply, values=None, notes=None, errors=None) -> list[dict]:
    have = {a.field_id: a for a in reply.answers.select_related("reused_from__reply__request")}
    values, notes, errors = values or {}, notes or {}, errors or {}
    out = []
    for f in reply.request.fields.all():
        a = have.get(f.pk)
        out.append({"f": f, "a": a, "value": values.get(f.key, a.value if a else ""),
                    "note": notes.get(f.key, a.note if a else ""), "error": errors.get(f.key, ""),
                    "offered": bool(a and a.offered), "reused": bool(a and a.reused_from_id)})
    return out


@login_required
def reply_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        reply = access.reply_for(actor, pk)
    except NotFound:
        raise Http404 from None
    values = notes = errors = None
    error = ""
    if request.method == "POST":
        fields = list(reply.request.fields.all())
        values = {f.key: request.POST.get(f"v_{f.key}", "") for f in fields if f"v_{f.key}" in request.POST}
        notes = {f.key: request.POST.get(f"n_{f.key}", "") for f in fields if f"n_{f.key}" in request.POST}
        try:
            if request.POST.get("action") == "submit":
                try:
                    requests.submit_reply(actor, reply.pk, values=values, notes=notes)
                except ValidationFailed as exc:
                    requests.save_draft(actor, reply.pk, values=values, notes=notes)  # nothing typed is lost
                    errors = exc.details.get("errors", {})
                    raise
                messages.success(request, "已提交，谢谢！")
                return redirect("burden-requests")
            requests.save_draft(actor, reply.pk, values=values, notes=notes)
            messages.success(request, "草稿已保存")
            return redirect("burden-reply", pk=reply.pk)
        except ServiceError as exc:
            error = exc.message if not errors else "有未填或填错的项目，请按提示修改（已保存为草稿）"
        reply = access.reply_for(actor, pk)
    return render(request, "burden/reply.html", {
        "active": "datarequests", "reply": reply, "req": reply.request, "items": _items(reply, values, notes, errors),
        "error": error, "done": reply.state == ReplyState.SUBMITTED, "origins": dict(Origin.choices)})


# --- the city's burden page -------------------------------------------------------------------------------

@login_required
def burden_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not may_read_burden(actor):
        raise Http404
    b = queries.burden(DataRequest.objects.restrict(actor, "datarequest"))
    return render(request, "burden/burden.html", {"active": "datarequests", "b": b})
