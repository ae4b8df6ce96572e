"""Pages to open, review, change and close open ports (开放端口) and their tokens — administrators only.

Thin: parse a form, call one service of ``jishi.platform.clients`` / ``jishi.platform.tokens``, render. A new token's
text is rendered in the response to the POST that issued it and nowhere else (no redirect, no message, no URL).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jishi.core.errors import ServiceError
from jishi.core.models import AuditRecord
from jishi.org.middleware import actor_of
from jishi.platform import clients, tokens
from jishi.platform.forms import CloseForm, PortForm, TokenForm, region_suggestions, scope_label
from jishi.platform.models import ApiClient, ApiToken

PAGE_SIZE = 50
STATES = {"open": gettext_lazy("开通"), "closed": gettext_lazy("已关闭"), "expired": gettext_lazy("已到期")}
AUDIT_ROWS = 200


def _admin(request: HttpRequest) -> None:
    if not clients.may_manage(actor_of(request)):
        raise PermissionDenied


def _client(client_id: int) -> ApiClient:
    client = (ApiClient.objects.select_related("owner", "account", "region", "department", "opened_by")
              .filter(pk=client_id).first())
    if client is None:
        raise Http404
    return client


def state_of(client: ApiClient, now=None) -> str:
    if client.closed_at is not None:
        return "closed"
    if client.expires_at is not None and client.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


def _state_filter(state: str, now) -> Q | None:
    return {
        "open": Q(closed_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)),
        "closed": Q(closed_at__isnull=False),
        "expired": Q(closed_at__isnull=True, expires_at__lte=now),
    }.get(state)


def _service_error(form: Form, exc: ServiceError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _labels(scopes: list[str]) -> list[str]:
    return [scope_label(s) for s in scopes]


@login_required
def port_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    now = timezone.now()
    kind, state, q = request.GET.get("kind", ""), request.GET.get("state", ""), request.GET.get("q", "").strip()[:50]
    active = Q(tokens__revoked_at__isnull=True) & (Q(tokens__expires_at__isnull=True) | Q(tokens__expires_at__gt=now))
    rows = (ApiClient.objects.select_related("owner", "account", "region", "department")
            .annotate(active_tokens=Count("tokens", filter=active)).order_by("-id"))
    if kind in ApiClient.Kind.values:
        rows = rows.filter(kind=kind)
    if (cond := _state_filter(state, now)) is not None:
        rows = rows.filter(cond)
    if q:
        rows = rows.filter(name__icontains=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.state, c.scope_labels = state_of(c, now), _labels(c.scopes)
    query = urlencode([(k, v) for k, v in (("kind", kind), ("state", state), ("q", q)) if v])
    return render(request, "api/ports.html", {
        "active": "ports", "page": page, "kinds": ApiClient.Kind.choices, "states": STATES.items(),
        "kind": kind, "state": state, "q": q, "query": query, "state_labels": STATES})


@login_required
def port_new(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = PortForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                client = clients.open_client(actor_of(request), **form.kwargs())
            except ServiceError as exc:
                _service_error(form, exc)
            else:
                messages.success(request, _("已开通开放端口“%(name)s”，请签发令牌交给对接方") % {"name": client.name})
                return redirect("port-detail", client.pk)
        return _form_page(request, form, None, status=422)
    return _form_page(request, form, None)


@login_required
def port_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    _admin(request)
    client = _client(client_id)
    if request.method != "POST":
        return _form_page(request, PortForm(initial=PortForm.initial_for(client)), client)
    form = PortForm(request.POST)
    if form.is_valid():
        try:
            clients.change_client(actor_of(request), client.pk, **form.kwargs())
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("已保存开放端口的设置"))
            return redirect("port-detail", client.pk)
    return _form_page(request, form, client, status=422)


def _form_page(request: HttpRequest, form: PortForm, client: ApiClient | None, status: int = 200) -> HttpResponse:
    return render(request, "api/port_form.html", {
        "active": "ports", "form": form, "client": client, "regions": region_suggestions()}, status=status)


def _detail(request: HttpRequest, client: ApiClient, *, token_form: TokenForm | None = None,
            close_form: CloseForm | None = None, issued: tuple[ApiToken, str] | None = None,
            status: int = 200) -> HttpResponse:
    now = timezone.now()
    token_rows = list(client.tokens.select_related("created_by").order_by("-id"))
    for t in token_rows:
        t.scope_labels = _labels(t.scopes)
        t.state = "revoked" if t.revoked_at else ("expired" if t.expires_at and t.expires_at <= now else "active")
    trail = (AuditRecord.objects.filter(
        Q(object_type=ApiClient._meta.label_lower, object_id=str(client.pk))
        | Q(object_type=ApiToken._meta.label_lower, object_id__in=[str(t.pk) for t in token_rows]))
        .order_by("-id")[:AUDIT_ROWS])
    client.state, client.scope_labels = state_of(client, now), _labels(client.scopes)
    response = render(request, "api/port_detail.html", {
        "active": "ports", "client": client, "tokens": token_rows, "trail": trail, "state_labels": STATES,
        "token_form": token_form or TokenForm(client=client), "close_form": close_form or CloseForm(),
        "issued": issued, "issued_scope_labels": _labels(issued[0].scopes) if issued else []}, status=status)
    if issued:
        response["Cache-Control"] = "no-store"  # the token text must not be kept by the browser or a proxy
    return response


@login_required
def port_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    _admin(request)
    return _detail(request, _client(client_id))


@login_required
@require_POST
def port_close(request: HttpRequest, client_id: int) -> HttpResponse:
    _admin(request)
    client = _client(client_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            clients.close_client(actor_of(request), client.pk, form.cleaned_data["reason"])
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("端口已关闭，它的令牌立即失效"))
            return redirect("port-detail", client.pk)
    return _detail(request, client, close_form=form, status=422)


@login_required
@require_POST
def port_reopen(request: HttpRequest, client_id: int) -> HttpResponse:
    _admin(request)
    client = _client(client_id)
    try:
        clients.reopen_client(actor_of(request), client.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("端口已重新开通；原有令牌仍为吊销状态，请签发新令牌"))
    return redirect("port-detail", client.pk)


@login_required
@require_POST
@never_cache
def token_issue(request: HttpRequest, client_id: int) -> HttpResponse:
    _admin(request)
    client = _client(client_id)
    form = TokenForm(request.POST, client=client)
    if form.is_valid():
        try:
            issued = clients.issue_token(actor_of(request), client.pk, **form.kwargs())
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            return _detail(request, _client(client_id), issued=issued)
    return _detail(request, client, token_form=form, status=422)


@login_required
@require_POST
def token_revoke(request: HttpRequest, client_id: int, token_id: int) -> HttpResponse:
    _admin(request)
    client = _client(client_id)
    if not client.tokens.filter(pk=token_id).exists():
        raise Http404
    try:
        token = tokens.revoke_token(actor_of(request), token_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("令牌 jsk_%(prefix)s_… 已吊销") % {"prefix": token.prefix})
    return redirect("port-detail", client.pk)
