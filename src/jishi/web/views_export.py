"""Excel download of the people search: the same search, scope and masking as the page (``people.present``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from jishi.core import audit
from jishi.core.errors import ServiceError
from jishi.http.xlsx import xlsx_response
from jishi.org import queries
from jishi.org.middleware import actor_of
from jishi.org.policy import may_see_personal_data
from jishi.web.people import people, present


@login_required
def people_export(request: HttpRequest) -> HttpResponse:
    """The people search as Excel: the same search, scope and masking as the page, every match (not one page);
    written to the audit trail (who exported how many, and whether numbers were in full)."""
    q = request.GET.get("q", "").strip()[:30]
    actor = actor_of(request)
    unmasked = may_see_personal_data(actor)
    try:
        found = queries.search_people(actor, q, where="export")
        count = found.count()
    except ServiceError:
        return people(request)  # the page with the refusal and its status (422 / 429), as a search would show
    audit.record(actor.user, "person.export", object_type="org.person",
                 summary=f"导出人员名单 {count} 人（{'完整' if unmasked else '脱敏'}）",
                 data={"count": count, "unmasked": unmasked, "searched": bool(q)})
    rows = ([v.person.name, v.phone, v.id_number, v.person.village.name if v.person.village_id else "",
             v.person.grid.name if v.person.grid_id else "", v.address]
            for v in (present(p, unmasked) for p in found.iterator(chunk_size=2000)))
    return xlsx_response(f"人员-{timezone.localdate():%Y%m%d}.xlsx", "人员", ["姓名", "手机号", "身份证号", "村(社区)", "网格", "地址"],
                         rows, widths=[12, 16, 22, 14, 16, 36])
