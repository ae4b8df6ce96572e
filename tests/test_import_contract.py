"""The import contract (docs/architecture.md): imports only point down.

    core  ←  org  ←  domains (cases; then notify, points, scoring, cockpit, security)  ←  http surfaces, platform
    (ports, tokens, webhooks, Open311), pages (web and each app's views/api)  ←  wiring (urls, settings, cli)

- ``core`` imports no other package of Jishi; ``http`` (the HTTP kit) only ``core``.
- ``org`` imports ``core`` only — its ``api.py`` also the HTTP kit.
- ``web`` (the shell) imports no domain: each app registers its navigation itself.
- A domain imports another domain only through its timeline/read side or a named service: the pairs and the
  modules below, never another domain's pages, API, forms or admin. ``cases`` imports none of the consumers of
  its timeline (its pages read the inbox through ``notify.services``).
- Only the surfaces (``api.py``, ``views.py``, …), the platform and the wiring use the HTTP kit.
- Nothing but the wiring imports ``jishi.urls``.

Every import is read from the syntax tree, including those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "jishi"
WIRING = {"urls", "settings", "cli", "wsgi", "benchviews", "__main__", "env"}
DOMAINS = {"cases", "notify", "points", "scoring", "cockpit", "security", "visits", "mediation", "accounts", "venues", "evaluation", "engage", "blueprint", "party", "cadres", "bees", "burden"}
PLATFORM = {"platform", "webhooks", "open311"}
SURFACES = {"api.py", "views.py", "pages.py", "urls.py", "forms.py", "admin.py", "navigation.py", "apps.py"}
SURFACE_PREFIXES = ("views_", "pages_")
# domain → domain: the modules of the other domain it may import (its rows, choices and named services)
CROSS = {
    ("cockpit", "cases"): {"models", "choices", "due", "figures"},
    ("cockpit", "points"): {"queries"},
    ("cockpit", "mediation"): {"queries"},  # the 小事不出村 tile
    ("cockpit", "scoring"): {"models"},
    ("cockpit", "visits"): {"queries"},  # the visit coverage tile
    ("scoring", "cases"): {"models", "choices", "figures"},
    ("points", "cases"): {"models", "choices"},
    ("notify", "cases"): {"models", "choices", "intake", "permissions"},
    # a visit's concern becomes a case through the intake (linked back by its id); its photo is checked and
    # handed over with the cases' upload rules
    ("visits", "cases"): {"models", "choices", "intake", "files"},
    ("visits", "notify"): {"services"},
    # a visit concern or a meeting decision becomes a micro-wish or a three-list need through engage's named
    # services (post_wish, add_need), linked back by row
    ("visits", "engage"): {"wishes", "projects", "choices", "models"},
    ("mediation", "engage"): {"wishes", "projects", "choices", "models"},  # the overdue-visit reminder, a consumer of the visits timeline
    # mediation: disputes linked to their case (rows), the consumer of the case timeline that registers a taken-up
    # 矛盾纠纷 case as a dispute, and a meeting's decision made a case through the intake service
    ("mediation", "cases"): {"models", "choices", "intake"},
    ("accounts", "security"): {"throttle"},  # the entrance counts the caller's address as the login does
    # evaluation: the indicators it computes call the owning apps' own queries (cockpit's case rates, visit
    # coverage, 小事不出村; points participation from the points rows), evidence is checked with the cases'
    # upload rules, each step is told through notify
    ("evaluation", "cockpit"): {"figures", "periods"},
    ("evaluation", "visits"): {"queries"},
    ("evaluation", "mediation"): {"queries"},
    ("evaluation", "points"): {"models", "choices"},
    ("evaluation", "cases"): {"files"},
    ("evaluation", "notify"): {"services"},
    # engage: a wish made a case through the intake (its photo rules for fulfilment photos); the fulfiller's
    # points through the ledger's earning service (a consumer of the engagement timeline); wish notices
    ("engage", "cases"): {"models", "choices", "intake", "files"},
    ("engage", "points"): {"earning", "models", "choices"},
    ("engage", "notify"): {"services"},
    ("cockpit", "engage"): {"queries"},  # the wishes and projects tile
    # the blueprint: supervision notices, a consumer of its own timeline, go through the inbox service
    ("blueprint", "notify"): {"services"},
    ("cockpit", "blueprint"): {"queries"},  # the blueprint progress tile
    ("party", "engage"): {"models", "choices"},  # 三报到三服务: a member takes up an open need of the community
    # 小蜜蜂: reports counted from the case rows; 公益积分 are a programme of the points ledger (the rider's
    # balance and history from its rows, redemption through the store's order service); the registration
    # takes the phone rule of the entrance
    ("bees", "cases"): {"models", "choices"},
    ("bees", "points"): {"models", "choices", "store", "ledger"},  # ledger: the demo's invented history only
    ("bees", "accounts"): {"codes"},
    ("burden", "notify"): {"services"},  # a new data request told to the villages' cadres
}
CASES_PAGES_MAY = {("notify", "services")}  # the case pages' inbox and badge


def _imports():
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        package = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "jishi" and len(parts) > 1 and parts[1] != package:
                    yield rel, package, parts[1], (parts[2] if len(parts) > 2 else ""), node.lineno


def _surface(rel: Path) -> bool:
    return rel.name in SURFACES or rel.name.startswith(SURFACE_PREFIXES) or "management" in rel.parts \
        or "templatetags" in rel.parts


def _refusal(rel: Path, package: str, target: str, module: str) -> str | None:
    if package in WIRING:
        return None
    if target == "urls":
        return "only the wiring imports jishi.urls"
    if package == "core":
        return "core imports no other package"
    if package == "http":
        return None if target == "core" else "the HTTP kit knows core only"
    if target == "http" and not (_surface(rel) or package in PLATFORM):
        return "only surfaces (api.py, views.py, …), the platform and the wiring use the HTTP kit"
    if package == "org":
        return None if target in {"core", "http"} else "org knows core only"
    if package == "web":
        return None if target in {"core", "org", "http"} else "the shell imports no domain (navigation is registered)"
    if package in DOMAINS:
        if target in {"core", "org", "http"}:
            return None
        if target in PLATFORM | {"web"}:
            return "a domain never imports the platform or the pages shell"
        if package == "cases" and _surface(rel) and (target, module) in CASES_PAGES_MAY:
            return None
        allowed = CROSS.get((package, target))
        if allowed is None:
            return f"{package} may not import {target}"
        if module and module not in allowed:
            return f"{package} may import only {sorted(allowed)} of {target}"
        return None
    return None  # the platform and the wiring sit on top


def test_imports_point_down():
    problems = []
    for rel, package, target, module, line in _imports():
        why = _refusal(rel, package, target, module)
        if why:
            problems.append(f"src/jishi/{rel.as_posix()}:{line} imports jishi.{target}.{module}: {why}")
    assert not problems, "\n" + "\n".join(sorted(set(problems)))


def test_the_contract_catches_an_upward_import():
    assert _refusal(Path("cases/services.py"), "cases", "points", "ledger")
    assert _refusal(Path("core/audit.py"), "core", "org", "models")
    assert _refusal(Path("org/models.py"), "org", "cases", "models")
    assert _refusal(Path("http/auth.py"), "http", "platform", "tokens")
    assert _refusal(Path("web/views.py"), "web", "cases", "views")
    assert _refusal(Path("cockpit/figures.py"), "cockpit", "cases", "views")
    assert _refusal(Path("cases/services.py"), "cases", "http", "auth")
    assert _refusal(Path("points/ledger.py"), "points", "webhooks", "outbox")
    assert _refusal(Path("cases/views.py"), "cases", "urls", "")
    assert _refusal(Path("cockpit/figures.py"), "cockpit", "cases", "models") is None
