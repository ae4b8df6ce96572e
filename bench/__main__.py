"""`make bench` / `python -m bench [name ...]`: run every bench/bench_*.py and print one table.

Each module exposes ``run() -> list[Result]``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from datetime import datetime

from bench.common import TABLE_HEAD, machine


def main(argv: list[str]) -> int:
    import bench

    names = argv or sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    results = []
    for name in names:
        module = importlib.import_module(f"bench.{name if name.startswith('bench_') else 'bench_' + name}")
        print(f"running {module.__name__} ...", file=sys.stderr, flush=True)
        results.extend(module.run())
    print(f"\nJishi benchmarks — {datetime.now():%Y-%m-%d %H:%M}, {machine()}\n")
    print(TABLE_HEAD)
    for r in results:
        print(r.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
