"""Public framework APIs only (issue 12 §4): no module of ``src/jishi`` (migrations aside) reads or writes the
private internals of Django's ORM or of django-ninja — a speed-up that needs one is the wrong speed-up (use
``prefetch_related``/``Prefetch``, ``values()``, annotations, ``Model.from_db``, ``bulk_create``, raw SQL in
one module, an ETag). ``Model._meta`` and ``Manager``'s ``_default_manager`` are documented API and allowed.

The scan is of the syntax tree: ``obj.<name>`` and ``getattr/setattr/hasattr/delattr(obj, "<name>")``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "jishi"

PRIVATE = frozenset({
    # Django model instances
    "_state", "fields_cache", "_prefetched_objects_cache", "_do_insert", "_do_update", "_save_table",
    "_perform_unique_checks", "_prepare_related_fields_for_save", "_get_pk_val", "_set_pk_val",
    # Django querysets and managers
    "_result_cache", "_prefetch_done", "_prefetch_related_lookups", "_prefetch_related_objects", "_fetch_all",
    "_clone", "_chain", "_iterable_class", "_known_related_objects", "_sticky_filter", "_for_write", "_hints",
    "_add_hints", "_next_is_sticky", "_defer_next_filter", "_deferred_filter", "_filter_or_exclude",
    "_batched_insert", "_raw_delete", "_combinator_query",
    # Django requests, lazy objects, messages, auth
    "_messages", "_cached_user", "_wrapped", "_setupfunc",
    # django-ninja
    "_get_bound_routers", "_run_checks", "_result_to_response", "_get_values", "_run_authentication",
    "_check_throttles", "_routers", "_create_response_model", "_create_response_model_multiple",
    "_stream_response",
})  # not listed, being too common as the project's own names: QuerySet's _db, _query, _insert, _update
REFLECTION = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def private_uses(source: str) -> list[tuple[int, str]]:
    """(line, name) of every private framework attribute ``source`` touches."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE:
            found.append((node.lineno, node.attr))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in REFLECTION
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value in PRIVATE):
            found.append((node.lineno, node.args[1].value))
    return found


def test_no_module_uses_private_framework_internals():
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(SRC).as_posix()
        for line, attr in private_uses(path.read_text(encoding="utf-8")):
            problems.append(f"src/jishi/{name}:{line}: `{attr}` is a private attribute of Django or "
                            "django-ninja; use their public API (docs/architecture.md)")
    assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize("code, names", [
    ("qs._result_cache, qs._prefetch_done = rows, True", ["_result_cache", "_prefetch_done"]),
    ("obj._state.adding = False", ["_state"]),
    ("case = instance._state.fields_cache.get('case')", ["_state", "fields_cache"]),
    ("for r in api._get_bound_routers(): pass", ["_get_bound_routers"]),
    ("clone = self._chain()", ["_chain"]),
    ("setattr(qs, '_result_cache', [])", ["_result_cache"]),
    ("fields = Case._meta.concrete_fields", []),
    ("m = Model._default_manager.all()", []),
    ("case._pending_whistled = set()", []),  # the project's own attribute on its own object
])
def test_the_scan_names_what_it_finds(code, names):
    assert sorted(attr for _, attr in private_uses(code)) == sorted(names)
