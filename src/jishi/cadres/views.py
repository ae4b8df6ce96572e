"""Pages of the cadre pipeline (desktop, for the organisation staff of the city and the towns; village cadres
read their village's): recruitment rounds and a round's ranking, the reserve pool, secondments, 学看比拼 events,
and a person's record (干部档案). Each view parses input, takes the Actor, calls one service function, renders;
a refusal shows its Chinese message and changes nothing. Out of scope is "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jishi.cadres import access, contests, pool, queries, recruitment, secondments
from jishi.cadres.choices import Education, Grade, HostKind, MemberState, Plan, Stage
from jishi.cadres.models import Contestant
from jishi.core.errors import NotFound, ServiceError
from jishi.org.middleware import actor_of
from jishi.org.models import Department, Region

PER_PAGE = 100


def _reader(request: HttpRequest):
    actor = actor_of(request)
    if not access.is_reader(actor):
        raise Http404(_("您没有干部队伍建设工作"))
    return actor


def _page(request, qs):
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), params.urlencode()


def _towns(actor):
    qs = Region.objects.filter(level="town").order_by("sort", "code")
    scope = actor.scope("view")
    if not scope.everything:
        qs = qs.filter(pk__in=sorted(scope.town | set(Region.objects.filter(pk__in=sorted(scope.village))
                                                     .values_list("town_id", flat=True))))
    return list(qs.values_list("id", "name"))


def _base(request, actor, tab: str) -> dict:
    return {"active": "cadres", "tab": tab, "f": request.GET, "towns": _towns(actor),
            "manager": access.runs_pipeline(actor)}


def _done(request, fn, ok: str) -> None:
    try:
        fn()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


def _get(fn, *args):
    try:
        return fn(*args)
    except NotFound:
        raise Http404 from None


# --- rounds ----------------------------------------------------------------------------------------------

@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if request.method == "POST":
        p = request.POST
        box = {}
        _done(request, lambda: box.setdefault("r", recruitment.open_round(
            actor, name=p.get("name", ""), plan=p.get("plan", ""), region_id=p.get("region"),
            opens_on=p.get("opens_on"), closes_on=p.get("closes_on"),
            positions_per_village=_num(p.get("positions_per_village"), 1), max_age=_num(p.get("max_age"), 30),
            min_education=p.get("min_education", ""), exam_weight=_num(p.get("exam_weight"), -1),
            interview_weight=_num(p.get("interview_weight"), -1), requirements=p.get("requirements", ""))),
            _("招录批次已发布"))
        return redirect("cadres-round", box["r"].pk) if "r" in box else redirect("cadres-rounds")
    ctx = _base(request, actor, "rounds")
    ctx["page"], ctx["params"] = _page(request, queries.rounds(actor, request.GET).order_by("-opens_on", "-id"))
    ctx.update(plans=Plan.choices, educations=Education.choices,
               regions=list(Region.objects.restrict(actor, "cadres").filter(level__in=["city", "town"])
                            .order_by("path").values_list("id", "name")) if ctx["manager"] else [])
    return render(request, "cadres/rounds.html", ctx)


def _num(v, default: int) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return default


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's ranking page: the applicants with their stage, scores, total and rank, and the next step."""
    actor = _reader(request)
    rnd = _get(access.round_for, actor, pk)
    rows = list(queries.applicants(actor, rnd, request.GET))
    may = access.may_manage(actor, rnd) or any(access.may_manage(actor, a) for a in rows[:1])
    for a in rows:
        a.phone_shown = access.phone_for(actor, a.phone, a.person_id)
        a.may_act = access.may_manage(actor, a)
    ctx = _base(request, actor, "rounds")
    ctx.update(rnd=rnd, rows=rows, stages=Stage.choices, educations=Education.choices,
               counts={s: sum(1 for a in rows if a.stage == s) for s in Stage.values},
               villages=recruitment.village_choices(rnd, actor) if access.runs_pipeline(actor) else [],
               may_rank=access.may_manage(actor, rnd), may=may,
               villages_in=sorted({(a.village_id, a.region.name) for a in rows}, key=lambda x: x[1]))
    return render(request, "cadres/round.html", ctx)


@login_required
@require_POST
def round_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _reader(request)
    rnd = _get(access.round_for, actor, pk)
    p = request.POST
    if verb == "apply":
        _done(request, lambda: recruitment.apply(actor, rnd, village_id=p.get("village"), name=p.get("name", ""),
                                                 birth_date=p.get("birth_date") or None,
                                                 education=p.get("education", ""), major=p.get("major", ""),
                                                 phone=p.get("phone", "")), _("报名已登记"))
    elif verb == "rank":
        _done(request, lambda: recruitment.rank_round(actor, rnd), _("已按综合成绩排名"))
    else:
        raise Http404
    return redirect("cadres-round", rnd.pk)


@login_required
@require_POST
def applicant_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _reader(request)
    a = _get(access.applicant_for, actor, pk)
    p = request.POST
    runs = {
        "qualify": (lambda: recruitment.qualify(actor, a, note=p.get("note", "")), _("资格审查通过")),
        "disqualify": (lambda: recruitment.disqualify(actor, a, reason=p.get("reason", "")), _("资格审查不通过")),
        "exam": (lambda: recruitment.score_exam(actor, a, p.get("score", "")), _("笔试成绩已录入")),
        "interview": (lambda: recruitment.score_interview(actor, a, p.get("score", "")), _("面试成绩已录入")),
        "place": (lambda: recruitment.place(actor, a, post=p.get("post") or "村务工作者"), _("已录用到村岗位")),
        "reserve": (lambda: recruitment.to_reserve(actor, a, note=p.get("note", "")), _("已纳入储备库")),
        "not_select": (lambda: recruitment.not_select(actor, a, reason=p.get("reason", "")), _("已标记为不予录用")),
    }
    if verb not in runs:
        raise Http404
    _done(request, *runs[verb])
    return redirect("cadres-round", a.round_id)


# --- reserve pool ----------------------------------------------------------------------------------------

@login_required
def reserve(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    ctx = _base(request, actor, "reserve")
    qs = queries.members(actor, request.GET).order_by("-joined_on", "-id")
    ctx["page"], ctx["params"] = _page(request, qs)
    grades = queries.latest_grades(m.pk for m in ctx["page"])
    for m in ctx["page"]:
        m.latest = grades.get(m.pk)
        m.may_act = access.may_manage(actor, m)
    ctx.update(states=MemberState.choices, grades=Grade.choices, year=timezone.localdate().year,
               total=qs.count())
    return render(request, "cadres/reserve.html", ctx)


@login_required
@require_POST
def member_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _reader(request)
    m = _get(access.member_for, actor, pk)
    p = request.POST
    if verb == "evaluate":
        _done(request, lambda: pool.evaluate(actor, m, year=p.get("year", ""), grade=p.get("grade", ""),
                                             comment=p.get("comment", "")), _("年度评价已记录"))
    elif verb == "promote":
        _done(request, lambda: pool.promote(actor, m, post=p.get("post", ""), on=p.get("on") or None),
              _("已使用到岗位"))
    else:
        raise Http404
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/cadres/")
                    else "cadres-reserve")


# --- secondments -----------------------------------------------------------------------------------------

@login_required
def secondment_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if request.method == "POST":
        p = request.POST
        _done(request, lambda: secondments.second(
            actor, person_id=p.get("person"), region_id=p.get("region"), host_kind=p.get("host_kind", ""),
            host_unit=p.get("host_unit", ""), host_department_id=p.get("host_department") or None,
            post=p.get("post", ""), starts_on=p.get("starts_on"), ends_on=p.get("ends_on")), _("已选派挂职"))
        return redirect("cadres-secondments")
    ctx = _base(request, actor, "secondments")
    today = timezone.localdate()
    ctx["page"], ctx["params"] = _page(request, queries.secondments(actor, request.GET, today)
                                       .order_by("ends_on", "id"))
    for s in ctx["page"]:
        s.may_act = access.may_manage(actor, s)
    ctx.update(counts=queries.secondment_counts(actor, today), host_kinds=HostKind.choices, grades=Grade.choices,
               today=today, departments=list(Department.objects.filter(is_active=True).order_by("code")
                                             .values_list("id", "name")) if ctx["manager"] else [],
               regions=list(Region.objects.restrict(actor, "cadres").filter(level__in=["town", "village"])
                            .order_by("path").values_list("id", "name")[:500]) if ctx["manager"] else [])
    return render(request, "cadres/secondments.html", ctx)


@login_required
@require_POST
def secondment_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _reader(request)
    s = _get(access.secondment_for, actor, pk)
    p = request.POST
    if verb == "return":
        _done(request, lambda: secondments.return_home(actor, s, on=p.get("on") or None), _("已登记返回"))
    elif verb == "assess":
        _done(request, lambda: secondments.assess(actor, s, grade=p.get("grade", ""), comment=p.get("comment", "")),
              _("挂职考核已记录"))
    else:
        raise Http404
    return redirect("cadres-secondments")


# --- 学看比拼 ---------------------------------------------------------------------------------------------

@login_required
def contest_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    if request.method == "POST":
        p = request.POST
        box = {}
        _done(request, lambda: box.setdefault("c", contests.hold(
            actor, title=p.get("title", ""), held_on=p.get("held_on"), region_id=p.get("region"))),
            _("学看比拼已创建"))
        return redirect("cadres-contest", box["c"].pk) if "c" in box else redirect("cadres-contests")
    ctx = _base(request, actor, "contests")
    ctx["page"], ctx["params"] = _page(request, queries.contests(actor, request.GET).order_by("-held_on", "-id"))
    ctx["regions"] = list(Region.objects.restrict(actor, "cadres").filter(level__in=["town", "village"])
                          .order_by("path").values_list("id", "name")[:500]) if ctx["manager"] else []
    return render(request, "cadres/contests.html", ctx)


@login_required
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _reader(request)
    c = _get(access.contest_for, actor, pk)
    may = access.may_manage(actor, c) and not c.closed
    villages = []
    if may:
        vq = Region.objects.filter(level="village").order_by("sort", "code")
        villages = list((vq.filter(town_id=c.town_id) if c.town_id else vq).values_list("id", "name")[:500])
    ctx = _base(request, actor, "contests")
    ctx.update(c=c, rows=queries.standings(c), may=may, villages=villages)
    return render(request, "cadres/contest.html", ctx)


@login_required
@require_POST
def contest_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = _reader(request)
    c = _get(access.contest_for, actor, pk)
    p = request.POST
    if verb == "join":
        _done(request, lambda: contests.join(actor, c, village_id=p.get("village"), person_id=p.get("person") or None),
              _("参赛村(社区)已添加"))
    elif verb == "score":
        entry = Contestant.objects.filter(contest=c, pk=_num(p.get("entry"), 0)).select_related("village").first()
        if entry is None:
            messages.error(request, _("参赛村(社区)不存在"))
        else:
            _done(request, lambda: contests.record_score(actor, entry, judge=p.get("judge", ""),
                                                         value=p.get("score", "")), _("评分已记录"))
    elif verb == "close":
        _done(request, lambda: contests.close(actor, c), _("已计算得分并排名"))
    else:
        raise Http404
    return redirect("cadres-contest", c.pk)


# --- the record --------------------------------------------------------------------------------------------

@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's record (干部档案): staff in scope, and the person themself."""
    actor = actor_of(request)
    r = _get(queries.record, actor, pk)
    for m in r["memberships"]:
        m.may_act = access.may_manage(actor, m)
    return render(request, "cadres/record.html", {"active": "cadres", "r": r, "grades": Grade.choices,
                                                  "year": timezone.localdate().year,
                                                  "reader": access.is_reader(actor)})


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.person_id:
        raise Http404(_("您的账号没有关联人员信息"))
    return redirect("cadres-record", actor.person_id)
