"""Repeat views of a signed-in page served from a per-session cache, as long as nothing it shows has changed.

A department handler refreshes the inbox, a commander the board, many times between two changes of any case;
rendering a 50-row list costs tens of milliseconds, serving it again a fraction of one. ``cached_page`` wraps a
view (GET only, signed-in users): the rendered body is kept under a key made of

- the session and its CSRF cookie (the body holds the user's CSRF token, names, masked personal data and the
  actions their posts allow — never shared between sessions, rotated with every login),
- the user's active posts (a post granted or taken away changes the key at once),
- the full path with its query, the language,
- the view's *generation*: a tuple the view's app computes in one cheap statement, which must change whenever
  anything the page shows changes (for the case pages: the newest timeline row and the user's unread
  notifications — every change of a case writes a timeline row, ``jishi.cases.queries.page_generation``),
- and the current minute, so what changes with the clock alone (due badges, "overdue" counts) and the rare
  change without a timeline row (an admin renaming a department) shows within a minute.

A request with ``Cache-Control: no-cache`` (a hard reload) is answered afresh. It is bypassed when flash
messages are waiting (they must be shown and consumed once), when the request carries
no CSRF cookie, and when ``JISHI_PAGE_CACHE`` is off. The per-request CSP nonce in a cached body is replaced by
the new request's nonce. Responses say ``X-Jishi-Page-Cache: hit|miss``.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from jishi.org.scope import assignments_of

HEADER = "X-Jishi-Page-Cache"


def enabled() -> bool:
    return bool(getattr(settings, "JISHI_PAGE_CACHE", True))


def current_minute() -> int:
    return int(timezone.now().timestamp() // 60)


def key_for(request: HttpRequest, name: str, identity: tuple, generation: tuple) -> str:
    """The cache key of a response: who asks (``identity``), the user's posts, the full path, the language,
    the view's generation and the current minute."""
    posts = assignments_of(request.user)
    raw = repr((name, identity, request.user.pk, posts, request.get_full_path(), get_language(), generation,
                current_minute()))
    return "page:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


def _key(request: HttpRequest, name: str, generation: Callable[[HttpRequest], tuple]) -> str | None:
    csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    session = request.session.session_key
    if not csrf or not session:
        return None
    return key_for(request, name, ("session", session, csrf), generation(request))


def wants_fresh(request: HttpRequest) -> bool:
    """``Cache-Control: no-cache`` (a browser's hard reload, or a client that must see the database now): answer
    afresh — and keep that answer for the next repeat view."""
    return "no-cache" in request.headers.get("Cache-Control", "") or "no-cache" in request.headers.get("Pragma", "")


def _messages_waiting(request: HttpRequest) -> bool:
    return len(get_messages(request)) > 0


def cached_page(generation: Callable[[HttpRequest], tuple]):
    """Serve repeat GETs of the wrapped view from the page cache (see the module's docstring). Apply it
    inside ``login_required``."""

    def decorate(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "GET" or not enabled() or not request.user.is_authenticated \
                    or _messages_waiting(request):
                return view(request, *args, **kwargs)
            key = _key(request, name, generation)
            if key is None:
                return view(request, *args, **kwargs)
            cache = caches["pages"]
            nonce = getattr(request, "csp_nonce", "")
            hit = None if wants_fresh(request) else cache.get(key)
            if hit is not None:
                body, old_nonce, content_type = hit
                if old_nonce and nonce and old_nonce != nonce:
                    body = body.replace(old_nonce.encode(), nonce.encode())
                response = HttpResponse(body, content_type=content_type)
                response[HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(key, (response.content, nonce, response["Content-Type"]))
            response[HEADER] = "miss"
            return response

        return wrapped

    return decorate
