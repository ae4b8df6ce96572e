"""The `jishi` command: Django's management commands plus Jishi's own (demo, serve, verify-audit…)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jishi.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    # Allow dashed names for our commands: `jishi verify-audit` == `jishi verify_audit`.
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "jishi"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
