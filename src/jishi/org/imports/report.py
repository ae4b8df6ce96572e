"""The result of validating or running an import: the problems found, and what was (or would be) written."""

from __future__ import annotations

from dataclasses import dataclass, field

from jishi.core.errors import PermissionDenied


@dataclass(frozen=True)
class Problem:
    """One bad value: ``row`` is the Excel row number or the GeoJSON feature number (1-based)."""

    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What an import found and did. ``counts`` maps e.g. ``"人员新增"`` to a number."""

    kind: str
    rows: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    def add(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(row, column, reason))

    def lines(self, row_label: str = "行") -> list[str]:
        """The report as text lines (for the command line)."""
        out = [f"第 {p.row} {row_label}\t{p.column}\t{p.reason}" for p in self.problems]
        if self.ok:
            verb = "校验通过（试运行，未写入）" if self.dry_run else "导入完成"
            counts = "，".join(f"{k} {v}" for k, v in self.counts.items())
            out.append(f"{verb}：共 {self.rows} {row_label}；{counts}；用时 {self.seconds:.1f} 秒")
        else:
            out.append(f"发现 {len(self.problems)} 处问题，未导入任何数据")
        return out


def require_importer(actor) -> None:
    """Imports are for system administrators and the city command centre (``policy.IMPORT_ROLES``; ``None``:
    the command line, acting as the system)."""
    from jishi.org.policy import IMPORT_ROLES, as_actor

    if as_actor(actor).has_any(IMPORT_ROLES):
        return
    raise PermissionDenied("只有系统管理员和市城运中心可以导入数据")


def chunks(items: list, size: int = 2000):
    """Slices of ``items`` small enough for one IN (...) lookup on every database."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
