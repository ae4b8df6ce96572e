"""Open311 GeoReport v2 over Jishi: categories are services, cases are service requests.

    caller(request, *scopes) -> Actor                 the api_key's Actor (a Jishi token, narrowed by its port), or Open311Error(403)
    check_jurisdiction(value)                          Open311Error(404) for a jurisdiction_id that is not ours
    discovery(url) / service_list() / service_definition(code)
    submit(actor, form, *, photos=(), idempotency_key=None, api_token=None) -> Case
                                                       POST requests: report through jishi.cases.services
    find_requests(actor, params) -> list[Case]         GET requests, filters of the spec, in the actor's scope
    find_request(actor, number) / find_token(actor, token) -> Case
    request_out(case) -> dict                          one <request> of the spec
(The reads without a key — the whole city, no personal data — are ``jishi.open311.public``.)

Reads are ``Case.objects.restrict(actor, "view")`` — the same cases as ``GET /api/v1/cases`` for the same key
(the account's own reports are in its scope; through a port limited to a region or department they are not).
Errors are ``Open311Error(status, description)`` with a Chinese
description; service errors of the case loop are mapped by ``from_service_error``.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from jishi.cases import reference
from jishi.cases import services as case_services
from jishi.cases.choices import FINAL_STATES, Channel, Priority, State
from jishi.cases.models import Case, CaseEvent, Category
from jishi.core import limits
from jishi.core.actor import OPEN311, Actor
from jishi.core.errors import NotFound, PermissionDenied, ServiceError
from jishi.open311.models import Submission
from jishi.platform import ratelimit, tokens

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-05T00:00:00+08:00"  # when this endpoint's behaviour last changed (public reads)
CHANNEL = Channel.RESIDENT  # Jishi has no Open311 channel: citizens' apps are 群众上报
FIRST_YEAR, LAST_YEAR = 1900, 2199  # as the API; outside: 400 (a date overflow was a 500)
DEFAULT_DAYS = 90  # the spec's default window, and the longest start_date…end_date span
MAX_RESULTS = 1000
STATE_LABELS = {s.value: s.label for s in State}  # lazy labels: rendered in the request's language
MAX_IDS = 1000
NOTE_VERBS = ("handle", "close", "reject", "resolve_on_spot", "reopen", "verify")
RELATED = ("category", "category__parent", "handling_department", "handling_region", "town", "village", "grid",
           "microgrid", "open311")
# The columns a <request> shows, and no others: a list of 1,000 read the whole rows of five regions a case
# (boundary polygons parsed from JSON), its category's and submission's, and the case's 48 columns — 80 % of
# the list's CPU (issue 16). The public reads show the same but the micro-grid (``public.FIELDS``).
FIELDS = (
    "number", "state", "priority", "title", "description", "address", "lat", "lng", "reporter_name", "reported_at",
    "updated_at", "handle_due_at", "category__code", "category__name", "category__default_priority",
    "category__handle_days", "category__urgent_handle_hours", "category__parent__name", "handling_department__name",
    "handling_region__name", "town__name", "village__name", "grid__name", "grid__code", "village__code",
    "town__code", "microgrid__code", "open311__media_url", "open311__media_public", "open311__first_name",
    "open311__last_name",
)
LIMITS = {"address_string": limits.ADDRESS, "description": limits.DESCRIPTION, "email": 254, "device_id": 100,
          "account_id": 100, "first_name": limits.PERSON_NAME, "last_name": limits.PERSON_NAME, "phone": limits.PHONE,
          "media_url": 500, "jurisdiction_id": 100, "service_code": limits.CODE, "address_id": limits.CODE}


class Open311Error(Exception):
    """A refused call: ``status`` (400/403/404…) and a description for the spec's error body."""

    def __init__(self, status: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


def from_service_error(exc: ServiceError) -> Open311Error:
    """The Open311 error for a case-loop error: 403 permission, 404 not found, 400 otherwise."""
    if isinstance(exc, PermissionDenied):
        return Open311Error(403, exc.message)
    if isinstance(exc, NotFound):
        return Open311Error(404, exc.message)
    return Open311Error(400, exc.message)


def jurisdiction() -> str:
    return getattr(settings, "JISHI_OPEN311_JURISDICTION", "") or "jishi"


def check_jurisdiction(value: str | None) -> None:
    """One jurisdiction per endpoint: ``jurisdiction_id`` may be left out; if given it must be ours."""
    if value is not None and value.strip() and value.strip() != jurisdiction():
        raise Open311Error(404, f"jurisdiction_id“{value.strip()[:100]}”不存在：本接口的辖区为“{jurisdiction()}”")


# --- who is calling ----------------------------------------------------------------------------

def key_of(request) -> str:
    """The api_key the request carries (form field on POST, query parameter, or ``Authorization: Bearer``)."""
    key = request.POST.get("api_key", "") if request.method == "POST" else ""
    key = key or request.GET.get("api_key", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not key and header[:7].lower() == "bearer ":
        key = header[7:]
    return key.strip()


def caller(request, *scopes: str) -> Actor:
    """The Actor of the request's ``api_key`` (a Jishi API token ``jsk_…``, narrowed by its port like on
    /api/v1) if it carries one of ``scopes``. The spec answers a missing or bad key with 403, so does this."""
    key = key_of(request)
    if not key:
        raise Open311Error(403, "缺少 api_key：请使用基石接口令牌（jsk_…）" if request.method == "POST"
                           or getattr(settings, "JISHI_OPEN311_PUBLIC_READS", True)
                           else "缺少 api_key：本服务不开放公开查询，请使用基石接口令牌（jsk_…）")
    try:
        token = tokens.authenticate(key, request.META.get("REMOTE_ADDR"))
        _rate_limit(token)
        actor = tokens.actor_for(token, kind=OPEN311)
    except tokens.TokenRefused as exc:
        raise Open311Error(403, f"api_key 无效：{exc.message}")
    if not any(actor.may_use(s) for s in scopes):
        wanted = "或".join(f"{s}（{tokens.SCOPES[s]}）" for s in scopes)
        raise Open311Error(403, f"此 api_key 没有 {wanted} 权限")
    request.api_token = token
    request._actor = actor  # what jishi.org.middleware.actor_of returns for this request
    request.actor = actor
    return actor


def _rate_limit(token) -> None:
    """The same per-caller minute budget as /api/v1 (jishi.platform.ratelimit)."""
    limit, retry_after = ratelimit.hit_token(token)
    if retry_after is not None:
        raise Open311Error(429, f"请求过于频繁：每分钟最多 {limit} 次，请 {retry_after} 秒后再试",
                           retry_after=retry_after)


# --- services ----------------------------------------------------------------------------------

def discovery(url: str) -> dict:
    city = getattr(settings, "JISHI_CITY_NAME", "")
    return {
        "changeset": CHANGESET,
        "contact": f"{city}城市运行管理服务中心（市城运中心）",
        "key_service": "api_key 为基石接口令牌（jsk_…），请向系统管理员申请：上报需 cases:write；"
                       + ("查询无需 api_key（全市公开，不含个人信息），带 cases:read 的 api_key 查询其数据范围内的完整信息"
                          if getattr(settings, "JISHI_OPEN311_PUBLIC_READS", True) else "查询需 cases:read"),
        "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": CHANGESET, "type": "production",
                       "formats": ["application/json", "text/xml"]}],
    }


def _services() -> QuerySet:
    return (Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
            .select_related("parent").order_by("parent__sort", "parent__code", "sort", "code"))


def _limit_text(category: Category, priority: str | None = None) -> str:
    if (priority or category.default_priority) == Priority.URGENT:
        return f"{category.urgent_handle_hours} 小时内处置"
    return f"签收后 {category.handle_days} 个工作日内处置"


def service_list() -> list[dict]:
    """One service per active 小类 (the 大类 is its group)."""
    return [{
        "service_code": c.code, "service_name": c.name,
        "description": f"{c.parent.name}/{c.name}（{Priority(c.default_priority).label}，{_limit_text(c)}）",
        "metadata": False, "type": "realtime", "keywords": f"{c.parent.name}, {c.name}", "group": c.parent.name,
    } for c in _services()]


def _service(code: str) -> Category:
    """An active 小类 under an active 大类 (as ``service_list``), from the reference data held per process."""
    category = reference.category(code) if code else None
    if category is None or not (category.is_active and category.parent_id and category.parent.is_active):
        raise Open311Error(404, f"service_code“{code[:20]}”不存在或已停用")
    return category


def service_definition(code: str) -> dict:
    """No attributes: every service's ``metadata`` is false."""
    return {"service_code": _service(code).code, "attributes": []}


# --- POST requests -----------------------------------------------------------------------------

def _field(form, name: str) -> str:
    value = (form.get(name) or "").strip()
    limit = LIMITS.get(name, 10_000)
    if len(value) > limit:
        raise Open311Error(400, f"{name} 过长：最多 {limit} 个字符")
    return value


def _coordinates(form) -> tuple[float | None, float | None]:
    lat, lng = _field(form, "lat"), _field(form, "long")
    if not lat and not lng:
        return None, None
    if not lat or not lng:
        raise Open311Error(400, "lat 和 long 须同时提供（WGS-84 十进制度）")
    try:
        lat_f, lng_f = float(lat), float(lng)
    except ValueError:
        raise Open311Error(400, f"lat/long 必须是十进制度数：lat={lat[:30]}，long={lng[:30]}")
    if not (math.isfinite(lat_f) and math.isfinite(lng_f)):
        raise Open311Error(400, "lat/long 必须是有限数字")
    return lat_f, lng_f


def _name(first: str, last: str) -> str:
    if (first + last).isascii():
        return f"{first} {last}".strip()
    return f"{last}{first}"  # 姓在前


def _attributes(form) -> dict[str, list[str]]:
    return {k[len("attribute["):-1]: form.getlist(k) for k in form if k.startswith("attribute[") and k.endswith("]")}


def _check_contact(email: str, media_url: str) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, f"email 格式不正确：{email}")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Open311Error(400, "media_url 须为 http(s) 链接")


def submit(actor: Actor, form, *, photos=(), idempotency_key: str | None = None, api_token=None) -> Case:
    """Report a case from an Open311 POST (form fields of the spec) as ``actor``; a retry with the same
    ``Idempotency-Key`` returns the case already made (``case.created`` False)."""
    check_jurisdiction(form.get("jurisdiction_id"))
    code = _field(form, "service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code（事件小类编码，见 services.json）")
    category = _service(code)
    lat, lng = _coordinates(form)
    address_string, address_id = _field(form, "address_string"), _field(form, "address_id")
    if lat is None and not address_id:
        if address_string:
            raise Open311Error(400, "仅凭 address_string 无法定位：请同时提供 lat/long（WGS-84），或 address_id（网格/村/镇的区域编码）")
        raise Open311Error(400, "缺少位置：请提供 lat 和 long（WGS-84），或 address_id（网格/村/镇的区域编码）")
    description = _field(form, "description")
    first, last, phone = _field(form, "first_name"), _field(form, "last_name"), _field(form, "phone")
    email, media_url = _field(form, "email"), _field(form, "media_url")
    _check_contact(email, media_url)
    first_line = description.splitlines()[0].strip() if description else ""
    title = (first_line[:60] or category.name)
    details = {
        "api_token": api_token, "jurisdiction_id": _field(form, "jurisdiction_id"),
        "account_id": _field(form, "account_id"), "device_id": _field(form, "device_id"), "email": email,
        "first_name": first, "last_name": last, "media_url": media_url, "attributes": _attributes(form),
    }
    try:
        # the caller's Actor as it is (no second read of its posts); the submission is written in the intake's
        # own transaction (``channel_rows``), so no savepoints around it
        case = case_services.report_case(
            actor, channel=CHANNEL, category_code=category.code, title=title, description=description,
            lng=lng, lat=lat, region_code=None if lat is not None else address_id, address=address_string,
            reporter_name=_name(first, last), reporter_phone=phone, photos=photos,
            idempotency_key=f"open311:{actor.user_id}:{idempotency_key}" if idempotency_key else None,
            channel_rows=lambda made: Submission.objects.create(case=made, **details),
        )
        if not getattr(case, "created", False):  # a retry: the first try wrote its submission with its case
            Submission.objects.get_or_create(case=case, defaults=details)
    except ServiceError as exc:
        if exc.field == "location" and lat is not None:
            city = getattr(settings, "JISHI_CITY_NAME", "本市")
            raise Open311Error(400, f"位置 lat={lat}, long={lng} 不在{city}的任何网格内：{exc.message}"
                                    "（坐标须为 WGS-84 十进制度，lat 为纬度、long 为经度，请检查是否写反）")
        if exc.field == "region":
            raise Open311Error(400, f"address_id“{address_id}”不是本市的区域编码")
        raise from_service_error(exc)
    return case


# --- reads -------------------------------------------------------------------------------------

def last_note() -> Subquery:
    """The latest note of handling, closing, rejection, verification or rework of the case (``status_notes``)."""
    return Subquery(CaseEvent.objects.filter(case=OuterRef("pk"), verb__in=NOTE_VERBS).exclude(note="")
                    .order_by("-at", "-id").values("note")[:1])


def readable(actor: Actor) -> QuerySet:
    """The cases ``actor`` may see (deny by default), with what a ``<request>`` shows."""
    return Case.objects.restrict(actor, "view").select_related(*RELATED).only(*FIELDS).annotate(last_note=last_note())


def _moment(name: str, value: str, end: bool = False) -> datetime:
    value = value.strip()
    try:
        moment = parse_datetime(value.replace(" ", "+") if "T" in value else value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError
            moment = datetime.combine(day, time.max if end else time.min)
    except ValueError:
        raise Open311Error(400, f"{name} 不是 W3C 日期时间（例如 2026-11-27T00:00:00+08:00）：{value[:40]}")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # 0001-01-01 or 9999-12-31 ± the window overflows
        raise Open311Error(400, f"{name} 超出支持的范围（{FIRST_YEAR}–{LAST_YEAR} 年）：{value[:40]}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _comma(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def find_requests(actor: Actor | None, params, *, base: QuerySet | None = None) -> list[Case]:
    """``GET requests``: ``service_request_id`` (comma list; overrides every other filter), ``service_code``
    (comma list), ``start_date``/``end_date`` (on requested_datetime, span ≤ 90 days; default the last 90
    days), ``status`` (open, closed). Newest first, at most 1000. Over ``readable(actor)``, or over ``base``
    (the public reads: ``jishi.open311.public``)."""
    check_jurisdiction(params.get("jurisdiction_id"))
    qs = readable(actor) if base is None else base
    ids = _comma(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"service_request_id 一次最多 {MAX_IDS} 个")
        return list(qs.filter(number__in=ids).order_by("-reported_at", "-id"))
    codes = _comma(params.get("service_code"))
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = _comma(params.get("status"))
    unknown = sorted(set(statuses) - {"open", "closed"})
    if unknown:
        raise Open311Error(400, f"status 只能是 open 或 closed：{'、'.join(unknown)[:60]}")
    if set(statuses) == {"open"}:
        qs = qs.exclude(state__in=FINAL_STATES)
    elif set(statuses) == {"closed"}:
        qs = qs.filter(state__in=FINAL_STATES)
    start = _moment("start_date", params["start_date"]) if params.get("start_date") else None
    end = _moment("end_date", params["end_date"], end=True) if params.get("end_date") else None
    window = timedelta(days=DEFAULT_DAYS)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - window
    if end is None:
        end = start + window
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date")
    if end - start > window:
        raise Open311Error(400, f"start_date 到 end_date 不能超过 {DEFAULT_DAYS} 天（GeoReport v2 的规定）")
    qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
    return list(qs.order_by("-reported_at", "-id")[:MAX_RESULTS])


def find_request(actor: Actor, number: str) -> Case:
    case = readable(actor).filter(number=number).first()
    if case is None:
        raise Open311Error(404, f"service_request_id“{number[:30]}”不存在，或不在您的数据范围内")
    return case


def find_token(actor: Actor, token: str) -> Case:
    """A request is made at once (no queue), so its token is its service_request_id; the Idempotency-Key
    the client sent with the POST works as a token too."""
    q = Q(number=token)
    if token and len(token) <= 80:
        q |= Q(idempotency_key=f"open311:{actor.user_id}:{token}")
    case = readable(actor).filter(q).first()
    if case is None:
        raise Open311Error(404, f"token“{token[:30]}”不存在，或不在您的数据范围内")
    return case


# --- one request -------------------------------------------------------------------------------

def w3c(moment: datetime | None) -> str | None:
    """``2026-11-27T16:10:24+08:00`` (local time with its offset)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def status_of(case: Case) -> str:
    """closed for the final states (结案, 不予立案), open for every other state."""
    return "closed" if case.state in FINAL_STATES else "open"


def submission_of(case: Case) -> Submission | None:
    try:
        return case.open311
    except ObjectDoesNotExist:
        return None


def service_notice(case: Case) -> str:
    c = case.category
    group = f"{c.parent.name}/" if c.parent_id else ""
    return f"{group}{c.name}：{_limit_text(c, case.priority)}"


def request_row(case: Case, *, address: str, address_id: str, lat: float | None, lng: float | None,
                media_url: str | None, text=lambda s: s) -> dict:
    """One ``<request>``: the case's state, service and times, with the place and media given, and its free
    text (description, notes) passed through ``text`` (the public reads redact it)."""
    label = str(STATE_LABELS[case.state]) if case.state in STATE_LABELS else case.state
    note = getattr(case, "last_note", None)
    agency = case.handling_department or case.handling_region
    return {
        "service_request_id": case.number, "status": status_of(case),
        "status_notes": text(f"{label}：{note}") if note else label,
        "service_name": case.category.name, "service_code": case.category.code,
        "description": text(case.description or case.title),
        "agency_responsible": agency.name if agency else "", "service_notice": service_notice(case),
        "requested_datetime": w3c(case.reported_at), "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.handle_due_at), "address": address, "address_id": address_id, "zipcode": "",
        "lat": lat, "long": lng, "media_url": media_url,
    }


def request_out(case: Case) -> dict:
    """One ``<request>`` for a caller with a key: the case's address, micro-grid and point as reported."""
    region = case.microgrid or case.grid or case.village or case.town
    sub = submission_of(case)
    return request_row(case, address=case.address, address_id=region.code if region else "", lat=case.lat,
                       lng=case.lng, media_url=(sub.media_url or None) if sub else None)


def created_out(case: Case) -> dict:
    """The POST answer: made at once, so a service_request_id (not a token)."""
    sub = submission_of(case)
    return {"service_request_id": case.number, "service_notice": service_notice(case),
            "account_id": (sub.account_id or None) if sub else None}

