"""The visit ledger (走访台账) of a round in a region: one line per household, its visitor and its visits;
Excel with Chinese headers, or the print view. Names and phones are masked unless the viewer's role needs them."""

from __future__ import annotations

from io import BytesIO

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jishi.org.models import Region
from jishi.org.policy import may_see_personal_data
from jishi.org.privacy import mask_address, mask_name
from jishi.visits.models import VisitAssignment, VisitLog, VisitRound

HEADERS = ["户编号", "地址", "镇(街道)", "村(社区)", "网格", "微网格", "户内人数", "走访人", "走访次数", "最近走访",
           "方式", "见到人数", "情况记录", "诉求"]
LIMIT = 100_000


def ledger_rows(actor, rnd: VisitRound, region: Region) -> list[list]:
    where = {} if region.level == "city" else {f"{region.level}_id": region.pk}
    names = dict(Region.objects.filter(Q(path__startswith=region.path) | Q(pk__in=region.ancestor_ids()))
                 .exclude(level="city").values_list("id", "name"))
    full = may_see_personal_data(actor)
    logs = VisitLog.objects.filter(round=rnd).order_by("-visited_at").prefetch_related("concerns")
    qs = (VisitAssignment.objects.restrict(actor, "view").filter(round=rnd, **where)
          .select_related("household", "visitor").order_by("microgrid_id", "household__code"))
    by_hh: dict[int, list] = {}
    for log in logs.filter(**where):
        by_hh.setdefault(log.household_id, []).append(log)
    rows = []
    for a in qs[:LIMIT]:
        h, seen = a.household, by_hh.get(a.household_id, [])
        last = seen[0] if seen else None
        rows.append([
            h.code, h.address if full else mask_address(h.address), names.get(a.town_id, ""), names.get(a.village_id, ""),
            names.get(a.grid_id, ""), names.get(a.microgrid_id, ""), a.residents,
            a.visitor.name if full else mask_name(a.visitor.name), len(seen),
            timezone.localtime(last.visited_at).strftime("%Y-%m-%d %H:%M") if last else "",
            last.get_method_display() if last else "", last.people_met if last else "", last.notes if last else "",
            "；".join(c.text + (f"（已转事件 {c.case_id}）" if c.case_id else "") for v in seen for c in v.concerns.all()),
        ])
    return rows


def ledger_xlsx(rows: list[list], title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "走访台账"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()

