"""Case pages of the follow-up: the 12345 hotline entry form, reaching the reporter through the platform (masked
call-back, SMS relay, an audited reveal) and a department's answer to a 督办. Thin: parse, the Actor, one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.cases import contact, intake, pickers, replies
from jishi.cases.choices import Channel
from jishi.cases.detail import get_case, openable
from jishi.cases.forms import ContactForm, HotlineForm, RevealForm, SupervisionReplyForm, first_error
from jishi.cases.lists import listing
from jishi.core.errors import PermissionDenied, ServiceError
from jishi.core.scope import holds
from jishi.org.middleware import actor_of


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    """Enter a 12345 call for the caller: the caller is the reporter; a ticket entered twice is one case."""
    actor = actor_of(request)
    if not intake.is_hotline_taker(actor):
        raise Http404
    form = HotlineForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = intake.report_case(
                actor, channel=Channel.HOTLINE, category_code=d["category"], title=d["title"],
                description=d["description"], lng=d["lng"], lat=d["lat"], region_code=d["region"] or None,
                address=d["address"], reporter_name=d["caller_name"], reporter_phone=d["caller_phone"],
                external_ref=d["ticket"])
        except ServiceError as exc:
            error = exc.message
        else:
            if not case.created and not holds(actor, "view", case):
                error = _("工单号 %(t)s 已登记为事件，但不在您的数据范围内") % {"t": d["ticket"]}
            else:
                if case.created:
                    messages.success(request, _("已登记 12345 工单 %(t)s，事件编号 %(n)s") % {"t": d["ticket"], "n": case.number})
                else:
                    messages.info(request, _("工单 %(t)s 已登记过，未重复建单：事件编号 %(n)s") % {"t": d["ticket"], "n": case.number})
                return redirect("case-detail", case.pk)
    elif request.method == "POST":
        error = first_error(form)
    return render(request, "cases/hotline.html", {
        "active": "cases-hotline", "form": form, "error": error, "groups": pickers.category_groups(),
        "regions": pickers.board_regions(actor), "boundaries": pickers.pick_boundaries(actor),
    })


def _case(request: HttpRequest, pk: int):
    case = listing(openable(actor_of(request), pk)).select_related("reporter_user__person").first()
    if case is None:
        raise Http404
    return case


@login_required
@require_POST
def contact_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            contact.contact_reporter(actor_of(request), case, via=form.cleaned_data["via"], text=form.cleaned_data["text"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("平台将回拨：先呼叫您的手机，接通后转接上报人，双方都不显示对方号码")
                             if form.cleaned_data["via"] == "call" else _("短信已由平台转发给上报人"))
    return redirect("case-detail", pk)


@login_required
@require_POST
def reveal_reporter(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = _case(request, pk)
    form = RevealForm(request.POST)
    try:
        if not form.is_valid():
            raise PermissionDenied(first_error(form))
        phone = contact.reveal_reporter_phone(actor, case, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("case-detail", pk)
    # shown once, on this answer only (not kept in the page or the session); the reading is on the timeline
    response = render(request, "cases/revealed.html", {"case": get_case(actor, pk), "phone": phone,
                                                       "name": case.reporter_name})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def reply_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = SupervisionReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        d = form.cleaned_data
        try:
            replies.reply_to_supervision(actor_of(request), case, d["supervision"], note=d["note"],
                                         finish_by=d["finish_by"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已回复督办"))
    return redirect("case-detail", pk)
