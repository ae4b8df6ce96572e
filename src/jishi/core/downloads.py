"""The registry of uploaded files a person may download: each app that stores uploads registers a *kind* in its
``AppConfig.ready()``; the one download view (``/files/<kind>/<id>/``, ``jishi.http.files``) asks it for the
file, and the app's resolver decides with ``holds()`` whether the Actor may open it.

    register_download("claim", resolve_claim_photo)

``resolve(actor, pk)`` returns a :class:`Download` or None (unknown, or not the actor's to see: both a 404, so an
outsider cannot tell a file exists). Nothing else serves ``MEDIA_ROOT``: no upload has a public URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Download:
    """One stored file, already checked for the actor: the FieldFile, its type and the name to save it as."""

    file: Any
    content_type: str
    filename: str = ""


_kinds: dict[str, Callable[[Any, int], Download | None]] = {}


def register_download(kind: str, resolve: Callable[[Any, int], Download | None]) -> None:
    """``resolve(actor, pk)`` → the file if ``actor`` may open it, else None."""
    _kinds[kind] = resolve


def resolve(kind: str, actor, pk: int) -> Download | None:
    resolver = _kinds.get(kind)
    if resolver is None or actor is None or getattr(actor, "user", None) is None:
        return None
    return resolver(actor, pk)


def kinds() -> list[str]:
    return sorted(_kinds)


def download_url(kind: str, pk: int) -> str:
    """The scoped URL of a file (the only URL an upload has)."""
    return reverse("download", args=[kind, pk])
