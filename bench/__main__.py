"""`make bench` / `python -m bench [name ...]`: run every bench/bench_*.py, print one table, and write it into
docs/performance.md between the ``bench:figures`` markers (with the date, machine, load and dataset scale).

Each module exposes ``run() -> list[Result]`` and runs in a process of its own (``python -m bench.one NAME``):
Django is set up once per process, and each benchmark points it at its own database.
``--no-write`` leaves docs/performance.md alone (also implied when only some benchmarks are named).
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import TABLE_HEAD, Result, machine

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN, END = "<!-- bench:figures:begin -->", "<!-- bench:figures:end -->"


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "?"


def write_doc(table: str, header: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{header}\n\n{table}\n{END}"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Latest `make bench` figures\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    import bench

    write = "--no-write" not in argv
    argv = [a for a in argv if a != "--no-write"]
    names = argv or sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    write = write and not argv
    results, t0, load_before = [], time.perf_counter(), _load()
    failed = []
    for name in names:
        module = name if name.startswith("bench_") else f"bench_{name}"
        print(f"running {module} ...", file=sys.stderr, flush=True)
        proc = subprocess.run([sys.executable, "-m", "bench.one", module], stdout=subprocess.PIPE, text=True,
                              cwd=DOC.parent.parent)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode or not lines:
            failed.append(module)
            print(f"{module} failed (exit {proc.returncode})", file=sys.stderr)
            continue
        results.extend(Result(**r) for r in json.loads(lines[-1]))
    scale = os.environ.get("JISHI_BENCH_SCALE", "city")
    header = (f"Jishi benchmarks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, dataset `{scale}`, "
              f"load average before {load_before} / after {_load()}, {time.perf_counter() - t0:.0f} s in all")
    table = "\n".join([TABLE_HEAD, *(r.row() for r in results)])
    print(f"\n{header}\n\n{table}")
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    if write:
        write_doc(table, header)
        print(f"\nwritten to {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
