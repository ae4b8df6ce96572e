"""The mediation ledger (矛盾纠纷调处台账) offered to ``core.ledgers``: the disputes registered or closed in the
region in the period (number, name, type, level, state, registered, closed, outcome; no parties' personal data)
with its totals — registered, closed, resolved (agreements) — and ``figures`` from ``mediation.queries.stats``,
the figures of the mediation statistics page."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jishi.core.ledgers import Column, LedgerTable, bounds, register_ledger, where
from jishi.mediation import queries
from jishi.mediation.choices import State
from jishi.mediation.models import Dispute

COLUMNS = [Column("number", _("编号")), Column("title", _("纠纷名称")), Column("kind", _("纠纷类型")),
           Column("level", _("调解层级")), Column("state", _("状态")),
           Column("registered_at", _("受理时间"), "datetime"), Column("closed_at", _("办结时间"), "datetime"),
           Column("outcome", _("调解结果")), Column("agreement", _("达成协议"), "int", total=True)]
NOTE = "数据来自矛盾纠纷调处记录（受理、调解、协议与回访），口径同调解统计页"


def _local(dt):
    return timezone.localtime(dt) if dt else None


def build(actor, region, first, last) -> LedgerTable:
    start, end = bounds(first, last)
    qs = Dispute.objects.restrict(actor, "mediate").filter(**where(region)).filter(
        Q(registered_at__gte=start, registered_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end))
    rows, registered, closed, resolved = [], 0, 0, 0
    for d in qs.order_by("registered_at", "id"):
        closed_in = d.closed_at is not None and start <= d.closed_at < end
        agreed = closed_in and d.state == State.AGREED
        registered += start <= d.registered_at < end
        closed += closed_in
        resolved += agreed
        rows.append((d.number or "", d.title, d.get_kind_display(), d.get_level_display(), d.get_state_display(),
                     _local(d.registered_at), _local(d.closed_at), d.get_outcome_display() if d.outcome else "",
                     int(agreed)))
    return LedgerTable(COLUMNS, rows, {"registered": registered, "closed": closed, "resolved": resolved}, NOTE)


def figures(region, first, last) -> dict:
    s = queries.stats(region, (first, last))
    return {"registered": s["registered"], "closed": s["shares"]["closed"], "resolved": s["shares"]["resolved"]}


def register() -> None:
    register_ledger("mediation.monthly", _("矛盾纠纷调处台账"), build, figures=figures, app="jishi.mediation",
                    order=40)
