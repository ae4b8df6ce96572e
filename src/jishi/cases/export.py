"""The case lists as Excel: the command board, the department inbox and the grid list, each exactly as the page
shows it (the same ``restrict()``, tab and filter), read as plain rows in chunks and streamed
(``jishi.http.xlsx``). No personal data is in a case list, so none is in its export."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

from django.db.models import QuerySet
from django.utils import timezone

from jishi.cases.choices import Channel, State
from jishi.cases.due import due_of

HEADERS = ["编号", "标题", "状态", "大类", "小类", "渠道", "镇(街道)", "村(社区)", "网格", "承办部门", "上报时间",
           "时限", "时限状态", "结案时间"]
WIDTHS = [20, 36, 10, 14, 16, 10, 12, 14, 16, 18, 17, 17, 10, 17]
FIELDS = ("id", "number", "title", "state", "channel", "category__name", "category__parent__name", "town__name",
          "village__name", "grid__name", "handling_department__name", "reported_at", "dispatched_at",
          "acknowledged_at", "ack_due_at", "handle_due_at", "closed_at")
DUE = {"overdue": "超期", "near": "临期", "ok": "正常"}


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def rows(qs: QuerySet) -> Iterator[list]:
    """One list per case, in the page's order; one query read in chunks."""
    now = timezone.now()
    states, channels = dict(State.choices), dict(Channel.choices)
    for r in qs.values(*FIELDS).iterator(chunk_size=2000):
        case = SimpleNamespace(**r)
        due = due_of(case, now)
        big, small = (r["category__parent__name"], r["category__name"]) if r["category__parent__name"] else \
            (r["category__name"], "")
        yield [r["number"], r["title"], str(states.get(r["state"], r["state"])), big, small,
               str(channels.get(r["channel"], r["channel"])), r["town__name"], r["village__name"], r["grid__name"],
               r["handling_department__name"], _local(r["reported_at"]), _local(due.at) if due else "",
               DUE.get(due.status, "") if due else "", _local(r["closed_at"])]


def sectioned_rows(sections: list[tuple[str, list]]) -> Iterator[list]:
    """The grid list's sections (label, cases: already restricted and filtered) as rows, the section first;
    one query for all of them."""
    from jishi.cases.models import Case

    label_of = {c.pk: str(label) for label, cases in sections for c in cases}
    order = {pk: i for i, pk in enumerate(label_of)}
    found = {}
    for pk, row in zip(sorted(label_of), rows(Case.objects.filter(pk__in=list(label_of)).order_by("id")), strict=True):
        found[pk] = row
    for pk in sorted(found, key=order.__getitem__):
        yield [label_of[pk], *found[pk]]
