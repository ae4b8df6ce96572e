"""Case pages: grid worker, resident, department inbox, command board, case detail, inbox.

Views parse input, take the request's Actor (``actor_of``), call one read (``lists``, ``detail``,
``pickers``, ``inbox``) or one service verb (``jishi.cases.services``) and render. The actions offered come from ``services.available_verbs``
(the transition table), and every action is re-checked by the service, whose Chinese message is
shown when it refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jishi.cases import contact, export, guards, lists, pickers, progress, replies, services, sql
from jishi.cases.choices import Channel, Rating, State
from jishi.cases.detail import (
    action_label,
    attach_pending_whistles,
    get_case,
    label_events,
    mask_reporter_rows,
    openable,
    reporter_as_seen,
    state_label,
)
from jishi.cases.due import Due, due_of
from jishi.cases.duplicates import duplicates_for
from jishi.cases.filters import CaseFilter
from jishi.cases.forms import VERB_FORMS, NoteForm, ReportForm, first_error
from jishi.cases.models import Case, attach_regions
from jishi.cases.workflow import TRANSITIONS
from jishi.core.actor import Actor
from jishi.core.errors import ServiceError
from jishi.http import files
from jishi.http.conditional import revalidated_page
from jishi.http.xlsx import xlsx_response
from jishi.notify.services import BADGE_CAP, UNREAD_AT_MOST_SQL, inbox_of, mark_read
from jishi.org.choices import Role
from jishi.org.middleware import actor_of
from jishi.org.policy import (
    COMMAND_LEVEL,
    DEPARTMENT_ROLES,
    GRANTS,
    GRID_SIDE_ROLES,
    GRID_STAFF_ROLES,
    PROXY_ROLES,
    may_see_personal_data,
)

PAGE_SIZE = 50
REPORTER_CHANNEL = {Role.GRID_WORKER: Channel.PATROL, Role.GRID_LEADER: Channel.PATROL,
                    Role.LINE_SPECIALIST: Channel.PATROL, Role.MICROGRID_LIAISON: Channel.PATROL,
                    Role.VOLUNTEER: Channel.PATROL, Role.INFORMANT: Channel.INFORMANT}
DONE = {"accept": gettext_lazy("已立案"), "dispatch": gettext_lazy("已派遣"), "acknowledge": gettext_lazy("已签收"),
        "return": gettext_lazy("已退回"), "handle": gettext_lazy("已提交处置结果"),
        "verify": gettext_lazy("已提交核查结果"), "close": gettext_lazy("已结案"), "rate": gettext_lazy("感谢您的评价"),
        "report_in": gettext_lazy("已报到"), "supervise": gettext_lazy("已督办"),
        "request_extension": gettext_lazy("已申请延期"), "reject": gettext_lazy("已不予立案"),
        "extend": gettext_lazy("已提交延期审批"), "suspend": gettext_lazy("已挂起"), "resume": gettext_lazy("已恢复办理"),
        "reopen": gettext_lazy("已返工"), "resolve_on_spot": gettext_lazy("已自行处置并结案"),
        "whistle": gettext_lazy("已吹哨"), "escalate": gettext_lazy("已上报上级")}


@dataclass
class Row:
    """A case as one list row: its due badge, the verbs the viewer may take now, likely duplicates."""

    case: Case
    verbs: list[str]
    due: Due | None
    duplicates: list[Case]
    act: str = ""  # the prefix of this case's action URLs: /cases/<pk>/do/
    url: str = ""  # the case's detail page
    state_label: str = ""
    channel_label: str = ""
    reported: str = ""  # reported_at as "m-d H:i", local time
    due_at: str = ""  # the running limit as "m-d H:i" …
    due_at_full: str = ""  # … and as "Y-m-d H:i"
    flash: str = ""
    error: str = ""
    failed: str = ""  # the verb that was just refused: its form stays open


def verbs_for(actor: Actor, case: Case) -> list[str]:
    """The verbs to offer (the table and each verb's guard: a whistled lead is offered 报到, never 签收)."""
    return services.available_verbs(actor, case)


def rows_for(actor: Actor, page_cases: list[Case], *, duplicates: bool = False) -> list[Row]:
    attach_pending_whistles(page_cases)
    guards.prime_rating(actor, page_cases)
    dups = duplicates_for(page_cases) if duplicates else {}
    detail = reverse("case-detail", args=[0])[:-2]  # "/cases/": one reverse a page, not two a row
    for found in dups.values():
        for d in found:
            d.url = f"{detail}{d.pk}/"
    now = timezone.now()
    # Labels and local times formatted here, once a page: get_state_display() rebuilds and hashes the choices
    # (nine translations) on every call, and the |date filter is a general formatter.
    states, channels = ({k: str(v) for k, v in choices} for choices in (State.choices, Channel.choices))
    out = []
    for c in page_cases:
        due = due_of(c, now)
        due_local = timezone.localtime(due.at) if due else None
        out.append(Row(c, verbs_for(actor, c), due, dups.get(c.pk, []), f"{detail}{c.pk}/do/", f"{detail}{c.pk}/",
                       state_label(c) if c.state == State.DISPATCHED else states.get(c.state, c.state),
                       channels.get(c.channel, c.channel),
                       f"{timezone.localtime(c.reported_at):%m-%d %H:%M}",
                       f"{due_local:%m-%d %H:%M}" if due else "", f"{due_local:%Y-%m-%d %H:%M}" if due else ""))
    return out


# Labels of the list rows (templates cases/_item.html and _board_row.html), translated once a page
# instead of once a row: a 50-row page rendered ~900 {% translate %} tags.
ROW_LABELS = {
    "overdue": gettext_lazy("超期"), "near": gettext_lazy("临期"), "supervised": gettext_lazy("督办"),
    "handler": gettext_lazy("承办"), "details": gettext_lazy("详情"),
    "acknowledge": gettext_lazy("签收"), "report_in": gettext_lazy("报到"),
    "report_in_note": gettext_lazy("报到说明"), "report_in_note_hint": gettext_lazy("报到说明（选填），如到场人员、联系电话"),
    "accept": gettext_lazy("立案"),
    "verify_ok": gettext_lazy("核查通过"), "verify_bad": gettext_lazy("核查不通过"),
    "verify_confirm": gettext_lazy("核查通过：事件转为待结案，并通知指挥中心结案；提交后不能撤回。"),
    "verify_reason": gettext_lazy("不通过原因"), "verify_reason_required": gettext_lazy("不通过原因（必填）"),
    "site_photos": gettext_lazy("现场照片"), "verify_bad_submit": gettext_lazy("提交：不通过，返工"),
    "handle": gettext_lazy("处置"), "handle_note": gettext_lazy("处置情况"),
    "handle_note_required": gettext_lazy("处置情况（必填）"), "handle_files": gettext_lazy("处置材料"),
    "handle_submit": gettext_lazy("提交处置结果"), "return": gettext_lazy("退回"),
    "return_reason": gettext_lazy("退回理由"), "return_reason_required": gettext_lazy("退回理由（必填），如：不属本部门职责"),
    "return_submit": gettext_lazy("确认退回"), "extension": gettext_lazy("申请延期"),
    "extension_days": gettext_lazy("延期工作日"), "extension_reason": gettext_lazy("延期理由"),
    "extension_reason_required": gettext_lazy("延期理由（必填）"), "extension_submit": gettext_lazy("提交延期申请"),
    "duplicates": gettext_lazy("疑似重复"), "reject_more": gettext_lazy("不予立案…"),
    "department": gettext_lazy("承办部门"), "default_department": gettext_lazy("默认部门"),
    "dispatch": gettext_lazy("派遣"),
}


def row_labels() -> dict[str, str]:
    """``ROW_LABELS`` in the active language (the context's ``L``)."""
    return {k: str(v) for k, v in ROW_LABELS.items()}


def department_options(departments) -> str:
    """The board rows' department <option>s, built once a page (a row repeats them)."""
    return format_html_join("", '<option value="d:{}">{}</option>',
                            ((d.pk, d.name) for d in departments))  # full names, as the bulk dispatch shows


def _channel_for(actor: Actor) -> str:
    for p in actor.posts:
        if p.role in REPORTER_CHANNEL:
            return REPORTER_CHANNEL[p.role]
    return Channel.RESIDENT


def page_counter(request) -> tuple:
    """What the case pages show changes with a new timeline row (``sql.api_counter``) or with the viewer's unread
    notices (the inbox badge, which counts to 100: "99+"): the ETags of the pages are built from both."""
    return sql.page_counter(request.user.pk, UNREAD_AT_MOST_SQL, BADGE_CAP + 1)  # one statement


def _inbox(actor: Actor):
    return inbox_of(actor.user_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(f"cases-{lists.role_home(actor_of(request))}")


@login_required
@revalidated_page(page_counter)
def grid(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = CaseFilter.parse(request.GET)
    found = lists.grid_lists(actor, f)
    sections = [(key, label, rows_for(actor, found[key])) for key, label in GRID_SECTIONS]
    return render(request, "cases/grid.html", {"active": "cases-grid", "sections": sections, "f": _board_form("", f),
                                               "groups": pickers.category_groups(), "query": request.GET.urlencode(),
                                               "here": request.get_full_path(), "L": row_labels()})


GRID_SECTIONS = (("to_verify", gettext_lazy("待核查")), ("reported", gettext_lazy("待立案")),
                 ("in_progress", gettext_lazy("办理中")), ("closed", gettext_lazy("近期结案")))


@login_required
def grid_export(request: HttpRequest) -> HttpResponse:
    """The grid list as Excel, with the page's filters."""
    found = lists.grid_lists(actor_of(request), CaseFilter.parse(request.GET))
    return xlsx_response(f"网格事件-{timezone.localdate():%Y%m%d}.xlsx", "网格事件", ["分组", *export.HEADERS],
                         export.sectioned_rows([(label, found[key]) for key, label in GRID_SECTIONS]),
                         widths=[10, *export.WIDTHS])


@login_required
def dept_export(request: HttpRequest) -> HttpResponse:
    """The department inbox's tab as Excel, with the page's filters."""
    tab = request.GET.get("tab", "to_ack")
    tab = tab if tab in dict(lists.DEPT_TABS) else "to_ack"
    qs = lists.dept_inbox(actor_of(request), tab, CaseFilter.parse(request.GET))
    return xlsx_response(f"部门待办-{timezone.localdate():%Y%m%d}.xlsx", "部门待办", export.HEADERS, export.rows(qs),
                         widths=export.WIDTHS)


@login_required
def board_export(request: HttpRequest) -> HttpResponse:
    """The command board's tab as Excel, with the page's filters."""
    tab = request.GET.get("tab", "to_accept")
    tab = tab if tab in dict(lists.BOARD_TABS) else "to_accept"
    qs = lists.board(actor_of(request), tab, CaseFilter.parse(request.GET))
    return xlsx_response(f"指挥调度-{timezone.localdate():%Y%m%d}.xlsx", "指挥调度", export.HEADERS, export.rows(qs),
                         widths=export.WIDTHS)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    channel = _channel_for(actor)
    form = ReportForm(request.POST or None, request.FILES or None)
    error = ""
    # 代居民上报 finds the resident by number: offered to who sees numbers in full (docs/privacy.md)
    can_proxy = bool(set(actor.roles) & set(PROXY_ROLES)) and may_see_personal_data(actor)
    # 自行处置 only for who may resolve on the spot (grid staff); what anyone else sends as an after-photo is kept
    # with the report's photos, never dropped
    may_resolve_on_spot = actor.has_any(GRID_STAFF_ROLES)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        photos = d["photos"] if may_resolve_on_spot or not d["on_spot"] else [*d["photos"], *d["after"]]
        try:
            resident = services.find_resident(actor, d["on_behalf"]) if d["on_behalf"].strip() else None
            case = services.report_case(
                actor, channel=channel, category_code=d["category"], title=d["title"],
                description=_with_on_spot_note(d, may_resolve_on_spot), lng=d["lng"], lat=d["lat"],
                address=d["address"], photos=photos, anonymous=d["anonymous"] and channel == Channel.RESIDENT and resident is None,
                idempotency_key=request.POST.get("idempotency_key") or None, on_behalf_of=resident,
            )
        except ServiceError as exc:
            error = exc.message
        else:
            if resident is not None:
                messages.success(request, _("已代%(name)s上报，编号 %(n)s") % {"name": resident.name, "n": case.number})
            else:
                messages.success(request, _("已上报，编号 %(n)s") % {"n": case.number})
            if d["on_spot"] and channel == Channel.PATROL and may_resolve_on_spot:
                try:
                    services.resolve_on_spot(actor, case, after=d["after"], note=d["on_spot_note"])
                    messages.success(request, _("已自行处置并结案"))
                except ServiceError as exc:
                    messages.error(request, exc.message)
            return redirect("case-detail", case.pk)
    elif request.method == "POST":
        error = first_error(form)
    return render(request, "cases/report.html", {
        "active": "cases-report", "form": form, "error": error, "channel": channel,
        "is_patrol": channel == Channel.PATROL, "is_resident": channel == Channel.RESIDENT and not can_proxy,
        "may_resolve_on_spot": channel == Channel.PATROL and may_resolve_on_spot,
        "can_proxy": can_proxy,
        "groups": pickers.category_groups(), "boundaries": pickers.pick_boundaries(actor),
        "idempotency_key": request.POST.get("idempotency_key") or _new_key(),
    })


def _with_on_spot_note(d: dict, may_resolve_on_spot: bool) -> str:
    """The description, with the on-spot note of someone who may not resolve on the spot (kept, not lost)."""
    note = (d.get("on_spot_note") or "").strip()
    if may_resolve_on_spot or not d.get("on_spot") or not note:
        return d["description"]
    return f"{d['description']}\n现场处置情况：{note}".strip()[:4000]


def _new_key() -> str:
    import uuid

    return f"web-{uuid.uuid4().hex}"


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(lists.my_reports(actor_of(request)), 20).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.timeline = label_events(c.events.all())
    return render(request, "cases/mine.html", {"active": "cases-mine", "page": page, "ratings": Rating.choices})


@login_required
@revalidated_page(page_counter)
def dept(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    tab = request.GET.get("tab", "to_ack")
    if tab not in dict(lists.DEPT_TABS):
        tab = "to_ack"
    f = CaseFilter.parse(request.GET)
    counts = lists.dept_tab_counts(actor, f)
    paginator = Paginator(lists.dept_inbox(actor, tab, f).without_regions(), PAGE_SIZE)
    paginator.count = counts.get(tab) or 0  # the tab's count is the list's: no second COUNT over the same cases
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "cases/dept.html", {
        "active": "cases-dept", "tab": tab, "tabs": _with_counts(lists.DEPT_TABS, counts),
        "page": page, "rows": rows_for(actor, _with_regions(page)), "here": request.get_full_path(),
        "L": row_labels(), "f": _board_form(tab, f), "groups": pickers.category_groups(), "states": State.choices,
        "query": _without(request, "page"), "filters": _without(request, "page", "tab"),
    })


def _with_regions(page) -> list[Case]:
    """The page's cases with their regions, read in one statement for the page (``attach_regions``) instead of
    one per region link."""
    found = list(page.object_list)
    attach_regions(found)
    return found


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _with_counts(tabs: list[tuple[str, str]], counts: dict[str, int]) -> list[tuple[str, str, int | None]]:
    return [(key, label, counts.get(key)) for key, label in tabs]


def _board_form(tab: str, f: CaseFilter) -> SimpleNamespace:
    """What the board's filter form shows as chosen."""
    category = int(f.category) if f.category.isdigit() and not f.category.startswith("0") else f.category
    return SimpleNamespace(tab=tab, state=f.states[0] if len(f.states) == 1 else "", channel=f.channel,
                           category=category, region=f.region, overdue=bool(f.overdue), q=f.q)


@login_required
@revalidated_page(page_counter)
def board(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    tab = request.GET.get("tab", "to_accept")
    tab = tab if tab in dict(lists.BOARD_TABS) else "to_accept"
    f = CaseFilter.parse(request.GET)
    page = Paginator(lists.board(actor, tab, f).without_regions(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    departments = pickers.departments()
    return render(request, "cases/board.html", {
        "active": "cases-board", "f": _board_form(tab, f),
        "tabs": _with_counts(lists.BOARD_TABS, lists.board_counts(actor)),
        "page": page, "rows": rows_for(actor, _with_regions(page), duplicates=tab == "to_accept"),
        "query": query.urlencode(), "states": State.choices, "channels": Channel.choices,
        "groups": pickers.category_groups(), "regions": pickers.board_regions(actor),
        "departments": departments, "department_options": department_options(departments),
        "here": request.get_full_path(), "L": row_labels(),
    })


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """Dispatch the selected rows to one department: one service call per case, each on its own."""
    form = VERB_FORMS["dispatch"](request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(_safe_next(request, reverse("cases-board")))
    actor = actor_of(request)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:PAGE_SIZE]
    done, failed = 0, []
    for case in lists.cases(actor).filter(pk__in=ids):
        try:
            services.dispatch(actor, case, **form.kwargs())
            done += 1
        except ServiceError as exc:
            failed.append(f"{case.number}：{exc.message}")
    if done:
        messages.success(request, _("已派遣 %(n)d 件") % {"n": done})
    if not ids:
        messages.error(request, _("请先勾选要派遣的事件"))
    for msg in failed[:10]:
        messages.error(request, msg)
    return redirect(_safe_next(request, reverse("cases-board")))


@login_required
@require_POST
def bulk_supervise(request: HttpRequest) -> HttpResponse:
    """督办 the selected rows with one note (``services.supervise_many``): the cases refused are listed."""
    form = NoteForm({"note": request.POST.get("supervise_note", "")})
    back = redirect(_safe_next(request, reverse("cases-board")))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return back
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()][:PAGE_SIZE]
    try:
        result = services.supervise_many(actor_of(request), ids, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return back
    if result.done:
        messages.success(request, _("已督办 %(n)d 件") % {"n": len(result.done)})
    if result.skipped:
        messages.error(request, _("%(n)d 件未督办：") % {"n": len(result.skipped)}
                       + "；".join(f"{number}：{msg}" for number, msg in result.skipped[:10]))
    return back


@login_required
@revalidated_page(page_counter)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    case = get_case(actor, pk)
    if case is None:
        raise Http404
    verbs = verbs_for(actor, case)
    commander = any(v in verbs for v in ("accept", "dispatch", "whistle"))
    events = label_events(mask_reporter_rows(actor, case, list(case.events.all())))
    is_reporter = actor.user_id is not None and case.reporter_user_id == actor.user_id
    return render(request, "cases/detail.html", {
        "progress": progress.steps(case, events, viewer_is_reporter=is_reporter), "is_reporter": is_reporter,
        "may_contact": contact.may_contact(actor, case), "may_reveal": not case.anonymous and bool(case.reporter_phone),
        "to_reply": replies.open_supervisions(case) if replies.may_reply(actor, case) else [],
        "active": "", "case": case, "state_label": state_label(case), "verbs": verbs, "actions": [(v, action_label(v)) for v in verbs],
        "due": due_of(case), "events": events,
        "photos": [a for a in case.attachments.all() if a.content_type.startswith("image/")],
        "documents": [a for a in case.attachments.all() if not a.content_type.startswith("image/")],
        "assignments": list(case.assignments.all()), "whistles": list(case.whistles.all()),
        "supervisions": list(case.supervisions.all()),
        "departments": pickers.departments() if {"dispatch", "whistle"} & set(verbs) else [],
        "regions": pickers.dispatch_regions(case) if "dispatch" in verbs else [],
        "default_department": case.category.default_department() if "dispatch" in verbs else None,
        "duplicates": list(services.likely_duplicates(case)) if commander and case.state == State.REPORTED else [],
        "ratings": Rating.choices, "reporter": _reporter(actor, case),
    })


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 派遣单 (dispatch sheet) of a case with its timeline, A4 (print CSS; the reporter as this viewer
    may see them)."""
    actor = actor_of(request)
    case = get_case(actor, pk)
    if case is None:
        raise Http404
    return render(request, "cases/sheet.html", {
        "case": case, "due": due_of(case), "reporter": _reporter(actor, case),
        "events": label_events(mask_reporter_rows(actor, case, list(case.events.all()))),
        "assignments": list(case.assignments.select_related("department", "assigned_by")),
        "printed_at": timezone.now(),
    })


def _reporter(actor: Actor, case: Case) -> tuple[str, str]:
    """Name and phone of the reporter as this viewer may see them (PIPL: masked unless the role needs it)."""
    return reporter_as_seen(actor, case)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """Perform one verb through the service. htmx rows get the row back; pages are redirected."""
    if verb not in VERB_FORMS:
        raise Http404
    actor = actor_of(request)
    case = lists.listing(openable(actor, pk)).first()
    if case is None:
        raise Http404
    form = VERB_FORMS[verb](request.POST, request.FILES)
    error = flash = ""
    if not form.is_valid():
        error = first_error(form)
    else:
        try:
            services.act(actor, case, verb, **form.kwargs())
            flash = str(DONE.get(verb, _("已%(v)s") % {"v": TRANSITIONS[verb].label}))
        except ServiceError as exc:
            error = exc.message
    ui = request.POST.get("ui", "")
    if request.headers.get("HX-Request") and ui in ("item", "board"):
        fresh = lists.listing(openable(actor, pk)).first() or case
        row = rows_for(actor, [fresh])[0]
        row.flash, row.error, row.failed = flash, error, verb if error else ""
        template = "cases/_board_row.html" if ui == "board" else "cases/_item.html"
        return render(request, template, {
            "row": row, "department_options": department_options(pickers.departments()) if ui == "board" else "",
            "here": _safe_next(request, reverse("cases-home")), "L": row_labels()})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, flash)
    return redirect(_safe_next(request, reverse("case-detail", args=[pk])))


def _safe_next(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or ""
    # a path of this site only: a bare word ("<script>") would be taken for a view name by redirect() (a 500)
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return default


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a case file to someone who may see the case (never by guessable public URL)."""
    return files.download(request, "case", pk)  # the one download path (jishi.http.files)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(_inbox(actor_of(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/inbox.html", {"active": "inbox", "page": page})


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: mark it read and go to what it is about."""
    n = _inbox(actor_of(request)).filter(pk=pk).first()
    if n is None:
        raise Http404
    mark_read(request.user, [n.pk])
    url = n.url if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts={request.get_host()}) else ""
    return redirect(url or "cases-inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    n = mark_read(request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读") % {"n": n})
    return redirect("cases-inbox")


def todo_entries(actor: Actor) -> list[dict]:
    """The home page's case to-dos of ``actor`` with counts linking to the lists (a few COUNTs, one per role)."""
    items: list[dict] = []
    if actor.has_any(COMMAND_LEVEL):
        counts = lists.board_counts(actor)
        for tab, label in (("to_accept", gettext_lazy("待立案")), ("to_dispatch", gettext_lazy("待派遣")),
                           ("to_close", gettext_lazy("待结案"))):
            items.append({"label": label, "count": counts.get(tab) or 0, "url": f"{reverse('cases-board')}?tab={tab}"})
    if actor.has_any(DEPARTMENT_ROLES):
        counts = lists.dept_tab_counts(actor)
        for tab, label, hot in (("to_ack", gettext_lazy("待签收"), False), ("whistled", gettext_lazy("吹哨报到"), False),
                                ("near_due", gettext_lazy("即将超期"), True), ("overdue", gettext_lazy("超期"), True)):
            items.append({"label": label, "count": counts.get(tab) or 0, "hot": hot,
                          "url": f"{reverse('cases-dept')}?tab={tab}"})
    if actor.has_any(GRID_SIDE_ROLES) and not actor.has_any(COMMAND_LEVEL):
        grids = sorted(pickers.grid_ids(actor))
        n = Case.objects.restrict(actor, "view").filter(grid_id__in=grids, state=State.HANDLED).count() if grids else 0
        items.append({"label": gettext_lazy("待核查"), "count": n,
                      "url": f"{reverse('cases-grid')}#sec-to_verify"})
    return items


def nav_entries(who, roles: list[str]) -> list[dict]:
    """The case pages' entries of the top navigation (called by ``jishi.web.nav`` with the user or the
    Actor and its roles), with the unread-notification count as the inbox's badge."""
    from jishi.notify.services import unread_badge

    user = who.user if isinstance(who, Actor) else who
    held = set(roles)
    posts = held - {Role.RESIDENT}  # a person without a post is a resident
    command, grid_side = posts & set(COMMAND_LEVEL), posts & GRID_SIDE_ROLES
    items = []
    if command:
        items.append({"label": gettext_lazy("指挥调度"), "url": reverse("cases-board"), "key": "cases-board"})
    if posts & DEPARTMENT_ROLES:
        items.append({"label": gettext_lazy("部门待办"), "url": reverse("cases-dept"), "key": "cases-dept"})
    if grid_side:
        items.append({"label": gettext_lazy("网格事件"), "url": reverse("cases-grid"), "key": "cases-grid"})
    if grid_side or not posts or Role.INFORMANT in posts:
        items.append({"label": gettext_lazy("上报"), "url": reverse("cases-report"), "key": "cases-report"})
    if held & set(GRANTS["hotline"]):  # who takes 12345 calls (policy's grant)
        items.append({"label": gettext_lazy("12345 来电"), "url": reverse("cases-hotline"), "key": "cases-hotline"})
    if not (command or grid_side or posts & DEPARTMENT_ROLES):
        items.append({"label": gettext_lazy("我的上报"), "url": reverse("cases-mine"), "key": "cases-mine"})
    items.append({"label": gettext_lazy("消息"), "url": reverse("cases-inbox"), "key": "inbox",
                  "badge": unread_badge(user)})
    return items
