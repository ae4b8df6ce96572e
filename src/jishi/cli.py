"""The `jishi` command: Django's management commands plus Jishi's own (demo, serve, verify-audit…)."""

from __future__ import annotations

import gc
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
    _set_up_and_freeze()
    execute_from_command_line(argv)


def _set_up_and_freeze() -> None:
    """Set Django up and freeze what that made (apps, models, settings) out of the garbage collector's
    generations: a long command (the demo, the worker, an import) makes millions of objects, and every full
    collection would walk the start-up heap again (the web workers do the same in ``jishi.wsgi``)."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured:
        return  # execute_from_command_line reports it (and still answers `jishi help`)
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    main()
