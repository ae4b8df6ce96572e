"""The timeline's consumers survive SIGKILL: a real worker process drains the case timeline (rollups, notices,
webhook deliveries, informant points), is killed with SIGKILL mid-consumption and restarted — every consumer
catches up, and every event is applied exactly once (no notice or delivery twice, none missing). Runs on the
database the tests run on (SQLite file or PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from tests.reliability.scratch import BIN, PROJECT, scratch_database, shell

CASES = 40

WRITE = f"""
from django.conf import settings
from jishi.platform.models import ApiClient
from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.points.rules import seed_template
from jishi.webhooks.events import EVENTS
from jishi.webhooks.models import WebhookSubscription
from tests.factories import make_city

assert not settings.JISHI_CONSUMERS_EAGER  # the worker below does all the consuming
city = make_city()
seed_template()
client = ApiClient.objects.create(name="市平台", kind="town", owner=city.user("admin"),
                                  account=city.user("city_commander"), scopes=["cases:read"])
WebhookSubscription.objects.create(client=client, url="http://127.0.0.1:9/hook", events=list(EVENTS),
                                   secret="whsec-test")
tc = city.user("town_commander")
lng, lat = city.point_in("A1a1")
for i in range({CASES}):
    informant = i % 2 == 0
    case = services.report_case(city.user("informant" if informant else "grid_worker"), lng=lng, lat=lat,
                                channel=Channel.INFORMANT if informant else Channel.PATROL,
                                category_code="0101", title=f"事件 {{i}}")
    services.accept(tc, case)
    services.dispatch(tc, case, department=city.departments["urban"])
    services.acknowledge(city.user("dept_urban"), case)
    services.handle(city.user("dept_urban"), case, note="已清理")
print("written")
"""

# The worker: the drain loop with small batches, printing each batch so the test can kill it mid-way.
WORKER = """
import sys, time
from jishi.core import consumers
for c in consumers.registered():
    consumers.register(c.name, c.model, c.apply, label=c.label, batch=3, related=c.related, check=c.check)
while True:
    done = 0
    for c in consumers.registered():
        n = consumers.step(c)
        if n > 0:
            done += n
            print(f"applied {c.name} {n}", flush=True)
    if not done:
        print("idle", flush=True)
    time.sleep(0.01)
"""

FACTS = """
import json
from collections import Counter
from django.db import transaction
from jishi.cases.models import Case, CaseEvent
from jishi.cockpit import rollups
from jishi.cockpit.models import CaseMark
from jishi.core import consumers
from jishi.core.models import AuditRecord, ConsumerCursor
from jishi.notify import case_notices
from jishi.notify.models import Notification
from jishi.points.models import Posting
from jishi.webhooks.events import VERB_EVENTS
from jishi.webhooks.models import WebhookDelivery

top = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
CASE_CONSUMERS = [c.name for c in consumers.registered() if c.model is CaseEvent]  # not other domains' timelines
notices = Counter(Notification.objects.values_list("recipient_id", "kind", "object_id"))
deliveries = Counter(WebhookDelivery.objects.values_list("subscription_id", "case_event_id"))


class Again(Exception):
    pass


try:  # what the notice consumer gives for the whole timeline once, applied afresh and rolled back
    with transaction.atomic():
        Notification.objects.all().delete()
        case_notices.apply(list(CaseEvent.objects.select_related("case", "actor").order_by("pk")))
        reference = Counter(Notification.objects.values_list("recipient_id", "kind", "object_id"))
        raise Again
except Again:
    pass
print(json.dumps({
    "top": top,
    "cursors": dict(ConsumerCursor.objects.filter(name__in=CASE_CONSUMERS).values_list("name", "position")),
    "errors": {n: a for n, a in ConsumerCursor.objects.values_list("name", "attempts")},
    "notices_twice": sum(1 for n in notices.values() if n > 1),
    "notices_equal_reference": notices == reference,
    "notices": sum(notices.values()),
    "deliveries_twice": sum(1 for n in deliveries.values() if n > 1),
    "deliveries": sum(deliveries.values()),
    "webhook_events": CaseEvent.objects.filter(verb__in=list(VERB_EVENTS)).count(),
    "marks": CaseMark.objects.count(), "cases": Case.objects.count(),
    "rollups_equal_recompute": rollups.stored() == {k: v for k, v in rollups.recompute().items() if any(v.values())},
    "awards": Posting.objects.filter(key__startswith="case-accept:").count(),
    "refused": AuditRecord.objects.filter(action="points.informant_skipped").count(),
}))
"""


def start_worker(env: dict[str, str], log_path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "jishi"), "shell", "-c", WORKER], env=env, cwd=PROJECT, text=True,
                            stdout=subprocess.PIPE, stderr=open(log_path, "ab"), start_new_session=True)


def read_until(proc: subprocess.Popen, predicate, seconds: float = 90) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line, "the worker exited"
        lines.append(line.strip())
        if predicate(lines):
            return lines
    raise AssertionError(f"the worker did not get there in {seconds} s: {lines[-5:]}")


def test_every_consumer_catches_up_exactly_once_after_sigkill_of_the_worker(tmp_path, migrated):
    with scratch_database(tmp_path, "consumers", migrated) as env:
        env["JISHI_CONSUMERS_EAGER"] = "0"
        started = time.monotonic()
        assert "written" in shell(env, WRITE)

        worker = start_worker(env, tmp_path / "worker.log")
        try:
            applied = read_until(worker, lambda lines: sum(x.startswith("applied") for x in lines) >= 12)
            assert "idle" not in applied  # killed mid-consumption, with work left
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        midway = json.loads(shell(env, FACTS).strip().splitlines()[-1])
        assert min(midway["cursors"].values()) < midway["top"], "every consumer was already done: no kill mid-way"

        worker = start_worker(env, tmp_path / "worker.log")  # restart on the same database
        try:
            read_until(worker, lambda lines: lines[-1] == "idle")
        finally:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

        facts = json.loads(shell(env, FACTS).strip().splitlines()[-1])
        assert set(facts["cursors"]) == {"cockpit.rollups", "notify.case_notices", "points.informant", "webhooks",
                                         "mediation.cases"}
        assert set(facts["cursors"].values()) == {facts["top"]}, facts["cursors"]  # every consumer caught up
        assert not any(facts["errors"].values())
        assert facts["notices_twice"] == 0 and facts["notices_equal_reference"] and facts["notices"] > CASES
        assert facts["deliveries_twice"] == 0 and facts["deliveries"] == facts["webhook_events"]  # the city port
        assert facts["marks"] == facts["cases"] == CASES and facts["rollups_equal_recompute"]
        assert facts["awards"] + facts["refused"] == CASES // 2 and facts["awards"] > 0
        assert time.monotonic() - started < 120, "the crash test must stay bounded in time"
