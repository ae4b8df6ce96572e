"""The ledger the party app offers (``jishi.core.ledgers``): 党组织活动台账 — each activity held in the region and
period (organisation, date, kind, topic, attended/expected, rate), totals: activities and attendances. Its
``figures`` are the party pages' own count (``queries.activity_figures``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jishi.core.ledgers import Column, LedgerTable, register_ledger
from jishi.org.queries import in_region
from jishi.party import queries
from jishi.party.choices import ActivityState
from jishi.party.models import Activity

CODE = "party.activities"
COLUMNS = (
    Column("org", _("党组织")),
    Column("date", _("日期"), "date"),
    Column("kind", _("类型")),
    Column("topic", _("主题")),
    Column("present", _("实到"), "int", total=True),
    Column("expected", _("应到"), "int", total=True),
    Column("rate", _("出勤率"), "rate"),
)


def build(actor, region, first, last) -> LedgerTable:
    qs = Activity.objects.restrict(actor, "view").filter(state=ActivityState.HELD, date__range=(first, last))
    qs = in_region(qs, region).select_related("org").order_by("date", "org__code", "id")
    rows = [(a.org.name, a.date, a.get_kind_display(), a.topic, a.present, a.expected,
             round(a.present / a.expected, 4) if a.expected else None) for a in qs]
    return LedgerTable(columns=COLUMNS, rows=rows,
                       totals={"activities": len(rows), "attendances": sum(r[4] for r in rows)},
                       note="来自党组织活动记录（已开展的主题党日、三会一课），实到为记录的出席党员人数")


def figures(region, first, last) -> dict:
    f = queries.activity_figures(region, first, last)
    return {"activities": f["activities"], "attendances": f["attendances"]}


def register() -> None:
    register_ledger(CODE, _("党组织活动台账"), build, figures=figures, app="jishi.party", order=60)
