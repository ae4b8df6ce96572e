"""Repeat views revalidated over HTTP: an ETag from a change counter, and 304 Not Modified while it holds.

A department handler refreshes the inbox, a commander the board, a system polls the case API, many times
between two changes of any case. Nothing is cached on the server: each answer carries a weak ETag and
``Cache-Control: private, no-cache`` (the browser or client keeps the body and asks again every time); a
repeat request sends the ETag back (``If-None-Match``) and, while nothing the answer shows has changed, gets
``304 Not Modified`` — after only the few statements that build the ETag, with no query of the list and
no rendering (Django's ``condition``). The ETag is a digest of

- who asks (``viewer``): the user, their session and CSRF cookie (a page holds the CSRF token, names and
  masked personal data; both are rotated at login), an API token's digest and scopes, and the actor's
  posts and data scope (a post granted or taken away changes it at once) — so one viewer's ETag never
  matches another's answer;
- the full path with its query and the language;
- the view's change counter: a tuple its app reads in one cheap statement, which changes whenever anything
  the answer shows changes (for cases: the newest timeline row — every change of a case writes one — and the
  viewer's unread notifications, ``jishi.cases.sql``);
- and the current minute, so what changes with the clock alone (due badges, "overdue" counts) and the rare
  change without a timeline row (an admin renaming a department) shows within a minute.

A page answered while flash messages wait gets no ETag (they are shown and consumed once), nor one answered to a
request without a CSRF cookie (the answer sets the secret its form tokens belong to). A revalidated page
keeps the body the browser holds, so such a page must not depend on the per-request CSP nonce (none does).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from jishi.core.scope import DIMENSIONS

Counter = Callable[[HttpRequest], tuple]


def current_minute() -> int:
    return int(timezone.now().timestamp() // 60)


def viewer(request: HttpRequest) -> tuple | None:
    """Who asks, as far as it changes an answer; None for an anonymous request (never revalidated)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return None
    actor = request.actor  # set by jishi.org.middleware (or by the API's token authentication)
    scope = actor.scope("view")
    token = getattr(request, "api_token", None)
    session = getattr(request, "session", None)
    return (actor.kind, actor.user_id, actor.posts, actor.narrowed, actor.port_id,
            tuple(sorted(actor.token_scopes)) if actor.token_scopes is not None else None,
            scope.everything, tuple(tuple(sorted(getattr(scope, d))) for d in DIMENSIONS),
            ("token", token.digest, tuple(sorted(token.scopes))) if token is not None else None,
            session.session_key if session is not None else None,
            request.COOKIES.get(settings.CSRF_COOKIE_NAME))


def etag(request: HttpRequest, counter: Counter) -> str | None:
    """The weak ETag of the answer to ``request`` (see the module's docstring); None: not revalidated."""
    who = viewer(request)
    if who is None:
        return None
    raw = repr((who, request.get_full_path(), get_language(), counter(request), current_minute()))
    return 'W/"' + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest() + '"'


def revalidated_page(counter: Counter) -> Callable:
    """A page view answered with an ETag and 304 while it holds (see the module's docstring). Apply it inside
    ``login_required``."""

    def page_etag(request: HttpRequest, *args, **kwargs) -> str | None:
        if request.method not in ("GET", "HEAD") or len(get_messages(request)) > 0 \
                or not request.COOKIES.get(settings.CSRF_COOKIE_NAME):  # the answer sets the CSRF secret
            return None
        return etag(request, counter)

    def decorate(view: Callable) -> Callable:
        conditional = condition(etag_func=page_etag)(view)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            response = conditional(request, *args, **kwargs)
            if response.status_code not in (200, 304) and response.has_header("ETag"):
                del response["ETag"]  # a redirect or an error is not revalidated
            if response.has_header("ETag"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        return wrapped

    return decorate
