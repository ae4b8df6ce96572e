"""Open311 reads without an api_key: what GeoReport v2 clients expect (the spec: the key is "only needed for
POST"), for the whole city, with no personal data.

    enabled() -> bool                                   JISHI_OPEN311_PUBLIC_READS
    find_requests(params) -> list[Case]                 GET requests: the spec's filters, the same as with a key
    find_request(number) -> Case                        GET requests/{id}
    request_out(case) -> dict                           one <request>, stripped (below)
    redact(text, names=()) -> str                       phones, ID numbers, e-mails, long numbers, house numbers
    public_address(case) / coarse(value)
    mark_media(user, submission_ids, is_public) -> int  staff mark a client's media public (audited)

The rows are ``Case.objects.restrict(policy.public_actor(), "public")`` (the whole city; one jurisdiction per
server) less the services about persons (``JISHI_OPEN311_PUBLIC_EXCLUDE``: by default 矛盾纠纷 and 民生服务 —
disputes, petitions, hardship, the elderly living alone), read in one query with only the columns shown.
What a public ``<request>`` shows differs from a keyed one in:

- ``address``: the town, village and grid names, and the road when the case's address names one before a
  house number (``花山路 18 号对面`` → ``A镇A1村A1a网格 花山路``) — never the house number or the free text;
- ``address_id``: the grid's code (not the micro-grid's);
- ``lat``/``long``: rounded to 3 decimals (≈ 100 m; the same value on every read, so averaging reads reveals
  nothing more);
- ``description`` and ``status_notes``: redacted (``redact``): phone and ID numbers, e-mail addresses, number
  plates, runs of 6 or more digits, house/room numbers and the reporter's own name become ``***``; names of other people a
  writer put in free text cannot be recognised — hence the excluded services;
- ``media_url``: only when staff marked the client's media public (``Submission.media_public``); the case's
  own photos are never in Open311 answers.
The reporter (name, phone, e-mail, account, device) is never shown, with or without a key.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from jishi.cases.models import Case
from jishi.core import audit
from jishi.open311 import services
from jishi.open311.models import Submission
from jishi.open311.services import Open311Error
from jishi.org import policy

HIDDEN = "***"
PLACES = 3  # decimals of lat/long: 0.001° ≈ 111 m north–south, ≈ 95 m east–west at 31° N
FIELDS = tuple(f for f in services.FIELDS if not f.startswith("microgrid__"))  # the public place stops at the grid
RELATED = tuple(r for r in services.RELATED if r != "microgrid")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"(?<![\dA-Za-z])(?:\+?86[ -]?)?\d(?:[ -]?\d){5,}[Xx]?(?!\d)")  # phones, ID numbers, …
_PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-HJ-NP-Z][·•. -]?"
                    r"[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]{1,2}")  # number plates
_HOUSE = re.compile(r"(?:\d+(?:-\d+)*|[一二三四五六七八九十百零〇]+)\s*(?=号楼|号|栋|幢|单元|室|户)")
_HOUSE_EN = re.compile(r"(?i)\b\d+[a-z]?(?=\s+(?:[a-z0-9.'-]+\s+){0,3}?(?:street|st|road|rd|avenue|ave|lane|ln"
                       r"|boulevard|blvd|way|drive|dr)\b)")
_ROAD = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:大道|大街|公路|路|街|巷|弄))\s*(?:\d+|[一二三四五六七八九十百]+)\s*号")
_ROAD_EN = re.compile(r"(?i)\b\d+[a-z]?\s+((?:[a-z0-9.'-]+\s+){0,3}?(?:street|st|road|rd|avenue|ave|lane|ln"
                      r"|boulevard|blvd|way|drive|dr)\b)")
_ADMIN = re.compile(r"省|市|县|区|镇|乡|街道|社区|村|组")


def enabled() -> bool:
    return bool(getattr(settings, "JISHI_OPEN311_PUBLIC_READS", True))


def excluded() -> list[str]:
    return list(getattr(settings, "JISHI_OPEN311_PUBLIC_EXCLUDE", ["10", "11"]))


def readable() -> QuerySet:
    """Every case of the city a public reader may see, as the few columns a public ``<request>`` shows."""
    codes = excluded()
    qs = Case.objects.restrict(policy.public_actor(), policy.PUBLIC_ACTION)
    if codes:
        qs = qs.exclude(category__code__in=codes).exclude(category__parent__code__in=codes)
    return qs.select_related(*RELATED).only(*FIELDS).annotate(last_note=services.last_note())


def find_requests(params) -> list[Case]:
    """``GET requests`` without a key: the spec's filters (``services.find_requests``), over ``readable()``."""
    return services.find_requests(None, params, base=readable())


def find_request(number: str) -> Case:
    case = readable().filter(number=number).first()
    if case is None:
        raise Open311Error(404, f"service_request_id“{number[:30]}”不存在，或不公开")
    return case


# --- what a public reader is shown ---------------------------------------------------------------

def _names(case: Case) -> list[str]:
    sub = services.submission_of(case)
    names = [case.reporter_name]
    if sub is not None:
        names += [sub.first_name, sub.last_name]
    return [n.strip() for n in names if n and len(n.strip()) >= 2]


def redact(text: str, names=()) -> str:
    """``text`` without what identifies a person by pattern: e-mail addresses, number plates (``苏B·12345``),
    phone and ID numbers (any run of 6 or more digits, with spaces or dashes), house and room numbers
    (``18号``, ``3栋``, ``502室``, ``1234 5th street``) and each of ``names`` — each becomes ``***``."""
    if not text:
        return text
    text = _EMAIL.sub(HIDDEN, text)
    text = _PLATE.sub(HIDDEN, text)
    text = _DIGITS.sub(HIDDEN, text)
    text = _HOUSE.sub(HIDDEN, text)
    text = _HOUSE_EN.sub(HIDDEN, text)
    for name in sorted(set(names), key=len, reverse=True):
        pattern = rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])" if name.isascii() else re.escape(name)
        text = re.sub(pattern, HIDDEN, text, flags=re.IGNORECASE)
    return text


def road(address: str) -> str:
    """The road an address names before a house number (``云亭街道花山路18号`` → ``花山路``), else ``""``."""
    match = _ROAD.search(address or "")
    if match:
        name = _ADMIN.split(match.group(1))[-1]
        return name if len(name) >= 2 else ""
    match = _ROAD_EN.search(address or "")
    return match.group(1).strip() if match else ""


def public_address(case: Case) -> str:
    """The town, village and grid names, and the road of the case's address (no house number, no free text)."""
    place = "".join(r.name for r in (case.town, case.village, case.grid) if r is not None)
    street = road(case.address)
    return f"{place} {street}".strip()


def coarse(value: float | None) -> float | None:
    """A coordinate rounded to ``PLACES`` decimals (≈ 100 m), the same on every read."""
    return None if value is None else round(value, PLACES)


def request_out(case: Case) -> dict:
    """One ``<request>`` of the spec, the same fields in the same order as with a key, without personal data."""
    names = _names(case)
    sub = services.submission_of(case)
    region = case.grid or case.village or case.town
    return services.request_row(
        case, address=public_address(case), address_id=region.code if region else "",
        lat=coarse(case.lat), lng=coarse(case.lng),
        media_url=(sub.media_url or None) if sub is not None and sub.media_public else None,
        text=lambda value: redact(value, names))


def mark_media(user, submission_ids, is_public: bool) -> int:
    """Mark the client media of these submissions public (shown in the public reads) or not, one audit row
    each (``open311.media_public`` / ``open311.media_private``); returns how many changed. Staff do this
    from the admin after looking at the photo (faces, number plates, a house)."""
    changed = 0
    with transaction.atomic():
        for sub in Submission.objects.select_for_update().filter(pk__in=list(submission_ids)).exclude(media_url=""):
            if sub.media_public == is_public:
                continue
            Submission.objects.filter(pk=sub.pk).update(media_public=is_public)
            audit.record(user, "open311.media_public" if is_public else "open311.media_private", sub,
                         summary=f"{sub.media_url[:200]}", data={"case_id": sub.case_id})
            changed += 1
    return changed
