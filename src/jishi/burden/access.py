"""Who reaches a data request or a reply, and who acts on it. Out of scope is "not found" (no existence oracle).

- a request: ``DataRequest.objects.restrict(actor, "datarequest")`` — its department's handlers, the city's roles;
- a reply: ``holds(actor, "answer", reply)`` — the village's cadres answer; ``holds(actor, "datarequest", …)`` on
  its request — the department reads it, reminds and exports.
"""

from __future__ import annotations

from jishi.burden.models import DataRequest, Reply
from jishi.core.errors import NotFound
from jishi.core.ids import pk_of
from jishi.core.scope import holds
from jishi.org.policy import as_actor


def managed_requests(actor):
    return DataRequest.objects.restrict(as_actor(actor), "datarequest")


def request_for(actor, pk) -> DataRequest:
    """The request ``pk`` if the actor manages it (its department, the city), else NotFound."""
    pk = pk_of(pk)
    r = managed_requests(actor).select_related("department").filter(pk=pk).first() if pk else None
    if r is None:
        raise NotFound("填报需求不存在或不在您的范围内")
    return r


def my_replies(actor):
    """The replies the actor answers (a village cadre: their village's)."""
    return Reply.objects.restrict(as_actor(actor), "answer")


def reply_for(actor, pk) -> Reply:
    """The reply ``pk`` if the actor answers it, else NotFound."""
    pk = pk_of(pk)
    r = Reply.objects.select_related("request", "request__department", "village", "town").filter(pk=pk).first() \
        if pk else None
    if r is None or not holds(as_actor(actor), "answer", r):
        raise NotFound("填报任务不存在或不在您的范围内")
    return r
