"""Crash safety: the real server (`jishi serve`, 2 granian workers) takes sustained writes over HTTP, is
killed with SIGKILL mid-stream and restarted — every write acknowledged with 201 is there exactly
once, and the audit chain verifies. Runs on the database the tests run on (SQLite or PostgreSQL)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest

from tests.reliability.scratch import BIN, PROJECT, jishi, scratch_database, shell

pytestmark = pytest.mark.slow  # make check leaves it out; make test runs it

WRITE_SECONDS = 3.0  # at least this long, and until MIN_ACKED writes were acknowledged …
MIN_ACKED = 100
MAX_WRITE_SECONDS = 10.0  # … but never longer than this
THREADS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, log) -> subprocess.Popen:
    # --no-worker: under JISHI_TESTING huey runs in immediate mode and its consumer refuses to start;
    # the sealer below plays the worker's part (sealing the audit chain while writes arrive).
    proc = subprocess.Popen([str(BIN / "jishi"), "serve", "--port", str(port), "--workers", "2", "--no-worker"], env=env,
                            cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        assert proc.poll() is None, "the server exited during start-up"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError("the server did not answer /healthz within 60 s")


def writer(port: int, prefix: str, stop: threading.Event, acked: list[tuple[int, str]], refused: list[int]) -> None:
    """POST writes one after another on a keep-alive connection; keep (id, code) of each 201."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    n = 0
    while not stop.is_set():
        code = f"{prefix}-{n}"
        n += 1
        try:
            conn.request("POST", "/__test__/write", body=urlencode({"code": code}),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException):
            return  # the server was killed: this write was never acknowledged
        if resp.status == 201:
            acked.append((json.loads(body)["id"], code))
        else:
            refused.append(resp.status)


def drive(port: int, tag: str, seconds: float, kill: subprocess.Popen | None = None,
          min_acked: int = 1) -> list[tuple[int, str]]:
    acked: list[tuple[int, str]] = []
    refused: list[int] = []
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(port, f"{tag}{i}", stop, acked, refused)) for i in range(THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    while True:
        elapsed = time.monotonic() - started
        if elapsed >= MAX_WRITE_SECONDS or (elapsed >= seconds and len(acked) >= min_acked):
            break
        time.sleep(0.05)
    if kill is not None:
        os.killpg(kill.pid, signal.SIGKILL)  # mid-stream: requests are in flight
        kill.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert not refused, f"writes refused before the kill: {refused[:10]}"
    return acked


SEALER = """
import time
from jishi.core.audit import seal_pending
while True:
    seal_pending()
    time.sleep(0.2)
"""


def start_sealer(env: dict[str, str], log) -> subprocess.Popen:
    """Seal the audit chain continuously, like the worker, so the kill can land mid-seal."""
    return subprocess.Popen([str(BIN / "jishi"), "shell", "-c", SEALER], env=env, cwd=PROJECT, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


STORED = """
import json
from jishi.core.models import AuditRecord
from jishi.org.models import Household
rows = list(Household.objects.values_list("id", "code"))
audited = list(AuditRecord.objects.filter(action="test.write").values_list("object_id", flat=True))
print(json.dumps({"rows": rows, "audited": audited}))
"""


def test_acknowledged_writes_survive_sigkill_of_the_server(tmp_path, migrated):
    with scratch_database(tmp_path, "crash", migrated) as env, open(tmp_path / "server.log", "wb") as log:
        started = time.monotonic()
        port = free_port()
        server = start_server(env, port, log)
        sealer = start_sealer(env, log)
        acked = drive(port, "k", WRITE_SECONDS, kill=server, min_acked=MIN_ACKED)
        os.killpg(sealer.pid, signal.SIGKILL)
        sealer.wait(timeout=10)
        assert len(acked) >= 20, f"too few writes acknowledged before the kill: {len(acked)}"

        server = start_server(env, port, log)  # restart on the same database
        try:
            after = drive(port, "r", 0.5)
            assert after, "the restarted server accepts writes"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: do not leave it running
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)

        stored = json.loads(shell(env, STORED).strip().splitlines()[-1])
        rows = {row_id: code for row_id, code in stored["rows"]}
        assert len(rows) == len(stored["rows"])
        codes = [code for code in rows.values()]
        assert len(codes) == len(set(codes)), "a write was stored twice"
        for row_id, code in acked + after:
            assert rows.get(row_id) == code, f"acknowledged write {code} (id {row_id}) is missing"
        audited = [int(x) for x in stored["audited"]]
        assert len(audited) == len(set(audited)), "a write was audited twice"
        assert set(audited) == set(rows), "every stored write has exactly one audit record, and no other"

        print(f"crash test: {len(acked)} writes acknowledged before SIGKILL, {len(rows)} stored, "
              f"{len(after)} after restart, {time.monotonic() - started:.1f} s")
        verify = jishi(env, "verify-audit", check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # ~10 s on an idle 2-core machine (3 s of writes, two server start-ups); the bound allows a busy CI box.
        assert time.monotonic() - started < 90, "the crash test must stay bounded in time"
