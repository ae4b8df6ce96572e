"""Consumers of the burden timeline (``jishi.core.consumers``).

``burden.notices``: a new data request (``create``) and a reminder (``remind``) are told to the cadres of each
village asked (their inbox, ``notify``), with a link to the village's reply.
"""

from __future__ import annotations


def cadres_of(village_ids) -> dict[int, list]:
    """The users of the active village cadres of each village."""
    from jishi.org.models import StaffAssignment
    from jishi.org.policy import ANSWER_ROLES

    out: dict[int, list] = {}
    for a in (StaffAssignment.objects.filter(region_id__in=list(village_ids), role__in=list(ANSWER_ROLES),
                                             is_active=True, person__user__isnull=False)
              .select_related("person__user")):
        out.setdefault(a.region_id, []).append(a.person.user)
    return out


def apply_notices(rows) -> None:
    from jishi.burden.models import Reply
    from jishi.notify.services import notify

    for row in rows:
        if row.verb not in ("create", "remind") or row.request_id is None:
            continue
        replies = Reply.objects.filter(request_id=row.request_id).select_related("request")
        if row.verb == "remind":
            replies = replies.filter(village_id__in=row.data.get("villages", []))
        replies = list(replies)
        users = cadres_of({r.village_id for r in replies})
        for r in replies:
            req = r.request
            title = (f"新的数据填报需求：{req.title}（{req.deadline:%m月%d日}前）" if row.verb == "create"
                     else f"请尽快填报：{req.title}（截止{req.deadline:%m月%d日}）")
            notify(users.get(r.village_id, []), kind="burden", title=title, url=f"/burden/replies/{r.pk}/", obj=r,
                   level="info" if row.verb == "create" else "warning")


def register() -> None:
    from jishi.burden.models import BurdenEvent
    from jishi.core import consumers

    consumers.register("burden.notices", BurdenEvent, apply_notices, label="数据填报通知")
