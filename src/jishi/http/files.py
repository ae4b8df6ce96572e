"""Sending an uploaded file after the permission check: behind nginx an ``X-Accel-Redirect`` to an internal
location, behind Apache/lighttpd an ``X-Sendfile`` header, and on the embedded default (granian alone) the file
streamed by Django in chunks. ``JISHI_FILE_SENDER`` chooses (``stream`` | ``nginx`` | ``sendfile``); see
docs/operations.md for the nginx ``internal`` location that goes with ``JISHI_FILE_ACCEL_PREFIX``."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from jishi.core import downloads


def send(download: downloads.Download) -> HttpResponse:
    """The answer carrying ``download`` (the caller has checked the actor)."""
    f = download.file
    name = download.filename or f.name.rsplit("/", 1)[-1]
    ctype = download.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    sender = settings.JISHI_FILE_SENDER
    if sender == "nginx":
        response = HttpResponse(content_type=ctype)
        response["X-Accel-Redirect"] = settings.JISHI_FILE_ACCEL_PREFIX.rstrip("/") + "/" + quote(f.name)
    elif sender == "sendfile":
        response = HttpResponse(content_type=ctype)
        response["X-Sendfile"] = f.path
    else:
        try:
            handle = f.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=ctype)
    # Shown inline (a photo in <img>, a PDF in a tab); never sniffed as something else; private to the viewer.
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
def download(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """``/files/<kind>/<id>/``: the one download path of every upload. Not signed in, unknown, or outside the
    actor's scope: 404 (the same answer, so nothing tells a file exists)."""
    actor = getattr(request, "actor", None)
    found = downloads.resolve(kind, actor, pk)
    if found is None:
        raise Http404
    return send(found)
