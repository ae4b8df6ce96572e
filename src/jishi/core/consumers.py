"""Consumers of a timeline (the outbox): each reads the rows after its cursor and applies them, exactly once.

A domain writes what happened as timeline rows (``cases.CaseEvent``) in the transaction of the change.
Everything that follows — rollups, notifications, webhooks, points — is a consumer, registered by its app in
``AppConfig.ready``::

    consumers.register("cockpit.rollups", CaseEvent, apply, label="驾驶舱统计")

``apply(rows)`` gets a list of rows in id order. The worker (``drain``) claims the next batch of a consumer
with a conditional UPDATE on its cursor, Healthchecks style::

    UPDATE core_consumercursor SET position = <last id of the batch> WHERE name = ? AND position = <old>

and runs ``apply`` in the SAME transaction: the effects and the cursor move commit together, or neither
does. Two workers racing on one consumer: the second UPDATE finds the position moved and does nothing (on
PostgreSQL it waits on the first one's row lock, then matches no row). A batch that raises is rolled back,
``attempts`` and ``last_error`` are recorded and it is tried again on the next round — so an ``apply`` must
not swallow real failures (and must not commit on its own).

**Ids that commit out of order.** On PostgreSQL a transaction that took id 101 may commit after one that
took 102; a consumer that read "102" and moved its cursor past 101 would never see 101. Before reading,
the worker therefore takes a barrier: ``LOCK TABLE <timeline> IN SHARE MODE`` in a short transaction
waits until every transaction that has inserted into the timeline has committed or rolled back (an INSERT
holds ROW EXCLUSIVE until its end, and takes it before it draws its id), then reads ``max(id)``: every row
up to that id is now committed or gone for good, and only rows up to it are consumed. Writers queue behind
the barrier for as long as the slowest in-flight writer takes (a case action: milliseconds). SQLite has one
writer at a time (``BEGIN IMMEDIATE``), so ids commit in order there and no barrier is needed.

Tests: with ``JISHI_CONSUMERS_EAGER`` (on under pytest) ``settled()`` drains at once after a writer's block,
inside the test's transaction, as the worker would right after the commit.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from jishi.core.models import ConsumerCursor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Consumer:
    """One consumer: its cursor's name, the timeline model it reads (ordered by id) and its handler."""

    name: str
    model: type[models.Model]
    apply: Callable[[list], None]
    label: str = ""
    batch: int = 200
    related: tuple[str, ...] = ()  # select_related for the rows handed to ``apply``
    check: Callable[[int], list[str]] | None = None  # problems up to a position (lost events), for `jishi status`


_REGISTRY: dict[str, Consumer] = {}


def register(name: str, model: type[models.Model], apply: Callable[[list], None], *, label: str = "",
             batch: int = 200, related: tuple[str, ...] = (), check: Callable[[int], list[str]] | None = None) -> Consumer:
    """Register a consumer (call from ``AppConfig.ready``). Registering a name again replaces it."""
    consumer = Consumer(name, model, apply, label or name, batch, tuple(related), check)
    _REGISTRY[name] = consumer
    return consumer


def registered() -> list[Consumer]:
    return [_REGISTRY[n] for n in sorted(_REGISTRY)]


def get(name: str) -> Consumer:
    return _REGISTRY[name]


# --- the worker ---------------------------------------------------------------------------------------------

def horizon(model: type[models.Model]) -> int:
    """The newest id of ``model`` below which every row is committed (see the module note)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '5s'")
                cur.execute(f"LOCK TABLE {connection.ops.quote_name(model._meta.db_table)} IN SHARE MODE")
        return model._default_manager.aggregate(m=Max("pk"))["m"] or 0


def _cursor(name: str) -> ConsumerCursor:
    cursor = ConsumerCursor.objects.filter(name=name).first()
    if cursor is None:
        ConsumerCursor.objects.bulk_create([ConsumerCursor(name=name)], ignore_conflicts=True)
        cursor = ConsumerCursor.objects.get(name=name)
    return cursor


def step(consumer: Consumer, top: int | None = None) -> int:
    """Claim and apply the next batch of ``consumer``. Returns the rows applied (0: none waiting or another
    worker took them; -1: the batch failed and will be tried again)."""
    top = horizon(consumer.model) if top is None else top
    old = _cursor(consumer.name).position
    rows = list(consumer.model._default_manager.filter(pk__gt=old, pk__lte=top).select_related(*consumer.related)
                .order_by("pk")[:consumer.batch])
    if not rows:
        return 0
    new = rows[-1].pk
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = ConsumerCursor.objects.filter(name=consumer.name, position=old).update(
                position=new, updated_at=now, attempts=0, last_error="",
                lag=consumer.model._default_manager.filter(pk__gt=new, pk__lte=top).count())
            if claimed != 1:
                return 0
            consumer.apply(rows)
    except Exception as exc:
        log.exception("consumer %s failed on rows %s..%s", consumer.name, rows[0].pk, new)
        ConsumerCursor.objects.filter(name=consumer.name, position=old).update(
            attempts=F("attempts") + 1, failed_at=now,
            last_error=f"{rows[0].pk}..{new}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"[:4000])
        return -1
    return len(rows)


def drain(names: list[str] | None = None, *, max_batches: int = 1000) -> dict[str, int]:
    """Apply every waiting row of every consumer (or of ``names``); returns rows applied per consumer.
    A consumer whose batch fails stops for this round (the others go on). Call outside a transaction."""
    done: dict[str, int] = {}
    tops: dict[type, int] = {}
    for consumer in registered():
        if names is not None and consumer.name not in names:
            continue
        if consumer.model not in tops:
            try:
                tops[consumer.model] = horizon(consumer.model)
            except DatabaseError:  # the barrier timed out behind a long writer: next round
                log.warning("timeline %s: barrier timed out, retrying next round", consumer.model._meta.label)
                return done
        total = 0
        for _ in range(max_batches):
            n = step(consumer, tops[consumer.model])
            if n <= 0:
                break
            total += n
        done[consumer.name] = total
    return done


def kick_on_commit() -> None:
    """Ask the worker to drain once the current transaction commits (a lost kick is caught by the
    every-minute task)."""
    transaction.on_commit(_kick, robust=True)


KICK_WINDOW = 0.5  # seconds: at most two kicks a window per process (each is a write to the task queue)
_kick_lock = threading.Lock()
_window = {"until": 0.0, "follow_up": False}


def _kick() -> None:
    """Ask for a drain. Coalesced per process (issue 16: a kick is a write and a commit of the task queue, which
    cost an intake more than its own transaction): the first commit of a window asks at once; later commits in
    the window ask once more, for a drain that starts when the window ends — after all of them have committed."""
    if settings.HUEY.get("immediate"):  # tests: no worker; ``settled()`` drains, or the test drives the worker
        return
    from jishi.core.tasks import drain_consumers_soon

    now = time.monotonic()
    with _kick_lock:
        if now >= _window["until"]:
            _window["until"], _window["follow_up"], delay = now + KICK_WINDOW, False, None
        elif not _window["follow_up"]:
            _window["follow_up"], delay = True, _window["until"] - now
        else:
            return  # the window's follow-up drain starts after this commit
    if delay is None:
        drain_consumers_soon()
    else:
        drain_consumers_soon.schedule(delay=delay)


def settled() -> None:
    """Called by a timeline writer after its transaction block: in tests (``JISHI_CONSUMERS_EAGER``) drain
    now — inside the test's own transaction, which never commits — so a test sees the effects at once."""
    if getattr(settings, "JISHI_CONSUMERS_EAGER", False):
        drain()


def fast_forward(model: type[models.Model]) -> None:
    """Move every consumer of ``model`` to its newest row without applying anything (the demo's invented
    history is not notified, pushed or awarded; an upgraded database does not replay what was done)."""
    top = model._default_manager.aggregate(m=Max("pk"))["m"] or 0
    for consumer in registered():
        if consumer.model is model:
            _cursor(consumer.name)
            ConsumerCursor.objects.filter(name=consumer.name, position__lt=top).update(
                position=top, updated_at=timezone.now(), lag=0)


# --- status -------------------------------------------------------------------------------------------------

@dataclass
class Status:
    name: str
    label: str
    position: int
    backlog: int
    attempts: int
    last_error: str
    updated_at: object
    oldest_waiting: object  # the time of the oldest row not yet applied (if the model has ``at``)
    problems: list[str]


def status(*, check: bool = False) -> list[Status]:
    """Every consumer's cursor and backlog (rows after its position); with ``check``, what its own check finds
    wrong up to its position (e.g. an accepted informant report without its award)."""
    out = []
    for consumer in registered():
        cursor = _cursor(consumer.name)
        waiting = consumer.model._default_manager.filter(pk__gt=cursor.position)
        first = waiting.order_by("pk").first() if waiting.exists() else None
        problems = consumer.check(cursor.position) if check and consumer.check else []
        out.append(Status(consumer.name, consumer.label, cursor.position, waiting.count(), cursor.attempts,
                          cursor.last_error, cursor.updated_at, getattr(first, "at", None), problems))
    return out
