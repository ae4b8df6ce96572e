"""The events a port may subscribe to, and which case timeline verbs raise them.

Verbs not listed (accept, return, request_extension, extend, suspend, resume, verify, reopen,
escalate) raise no webhook; a subscriber reads the full timeline with GET /api/v1/cases/{id}.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, object] = {
    "case.created": _("新事件上报"),
    "case.dispatched": _("派遣（含吹哨）"),
    "case.acknowledged": _("签收（含吹哨报到）"),
    "case.handled": _("处置完毕"),
    "case.closed": _("结案（含自行处置、不予立案）"),
    "case.rated": _("群众评价"),
    "case.supervised": _("督办（含超期自动督办）"),
}

VERB_EVENTS: dict[str, str] = {
    "report": "case.created",
    "dispatch": "case.dispatched",
    "whistle": "case.dispatched",
    "acknowledge": "case.acknowledged",
    "report_in": "case.acknowledged",
    "handle": "case.handled",
    "close": "case.closed",
    "resolve_on_spot": "case.closed",
    "reject": "case.closed",
    "rate": "case.rated",
    "supervise": "case.supervised",
}
