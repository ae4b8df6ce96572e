"""Webhook fixtures: open ports with a token, a case reporter, and a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from jishi.cases import services
from jishi.cases.choices import Channel
from jishi.cases.models import Category
from jishi.cases.seed import load
from jishi.platform import clients

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200



@dataclass
class Port:
    client: object
    api: Client


@pytest.fixture
def open_port(city):
    """``open_port("city_commander", region="A")`` -> a port acting as that user, with a bearer client."""

    def _open(account: str = "city_commander", *, region: str | None = None, department: str | None = None,
              scopes: list[str] | None = None, name: str = "镇应用") -> Port:
        client = clients.open_client(
            None, name=name, kind="town", owner=city.user("admin"), account=city.user(account),
            scopes=scopes or ["cases:read", "cases:write"], region=city.regions[region] if region else None,
            department=city.departments[department] if department else None)
        _, text = clients.issue_token(None, client.pk, name="test")
        return Port(client, Client(HTTP_AUTHORIZATION=f"Bearer {text}"))

    return _open


@pytest.fixture
def report(city):
    """``report(where="A1a1")`` -> a case reported by the grid worker of A1a (through the real intake)."""
    if not Category.objects.exists():
        load(Category)

    def _report(who: str = "grid_worker", where: str = "A1a1", **kw):
        lng, lat = city.point_in(where)
        kw.setdefault("channel", Channel.PATROL)
        kw.setdefault("title", "路边暴露垃圾")
        return services.report_case(city.user(who), category_code="0101", lng=lng, lat=lat, **kw)

    return _report


@pytest.fixture
def walk(city):
    """``walk(case)`` drives a case of town A through the loop to closed: report → … → close."""

    def _walk(case):
        tc, dept = city.user("town_commander"), city.user("dept_urban")
        case = services.accept(tc, case)
        case = services.dispatch(tc, case, department=city.departments["urban"])
        case = services.acknowledge(dept, case)
        case = services.handle(dept, case, note="已清理完毕", files=[JPEG])
        case = services.verify(city.user("grid_worker"), case, passed=True, note="现场已干净")
        return services.close(tc, case)

    return _walk


@dataclass
class Receiver:
    """A webhook receiver: answers ``code`` (200 when up, 503 when sick); records every request."""

    port: int
    code: int = 200
    requests: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/jishi"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    code = receiver.code
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "answered": code,
                                              "path": self.path})
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def receiver():
    """A receiver on a free loopback port, NOT yet listening (connections are refused) — call ``start()``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = Receiver(port)
    yield r
    r.stop()
