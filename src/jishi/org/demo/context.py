"""What the demo generator hands to each domain's ``<app>.demo.generate(ctx)`` hook."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass
class DemoContext:
    """scale ("small" | "city"), the seed, a seeded ``random.Random`` for the hook to use,
    ``progress(iterable=None, total=None, desc="")`` making a tqdm bar, and the demo's ``today``."""

    scale: str
    seed: int
    rng: random.Random
    progress: Callable[..., Any]
    today: date

    def track(self, iterable: Iterable, desc: str, total: int | None = None) -> Any:
        return self.progress(iterable, total=total, desc=desc)
