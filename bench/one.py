"""Run one benchmark module in this process and print its results as JSON on the last line of stdout
(`python -m bench.one bench_intake`). The module's own progress goes to stderr; anything it prints to stdout
comes before the JSON line."""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys


def main(name: str) -> int:
    module = importlib.import_module(f"bench.{name}")
    results = module.run()
    sys.stdout.flush()
    print(json.dumps([dataclasses.asdict(r) for r in results], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
