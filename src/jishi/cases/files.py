"""Validation and storage of case attachments: JPEG/PNG/WebP/PDF by magic bytes, at most
``settings.UPLOAD_MAX_BYTES``, stored under MEDIA_ROOT/cases/YYYY/MM/."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile

from jishi.core.errors import ValidationFailed

TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}


@dataclass
class Upload:
    """A validated file, read into memory, ready to store."""

    content: bytes
    content_type: str
    name: str

    @property
    def ext(self) -> str:
        return TYPES[self.content_type]


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def validate_upload(f, *, field: str = "photos") -> Upload:
    """Read and check one file (an UploadedFile, a file object, bytes or a (name, bytes) pair)."""
    name = "upload"
    if isinstance(f, tuple):
        name, f = f
    if isinstance(f, (bytes, bytearray)):
        data = bytes(f)
    else:
        name = getattr(f, "name", name) or name
        size = getattr(f, "size", None)
        if size is not None and size > settings.UPLOAD_MAX_BYTES:
            raise ValidationFailed(_too_big(name), field=field)
        data = f.read(settings.UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationFailed(_too_big(name), field=field)
    if not data:
        raise ValidationFailed(f"文件“{name}”是空的", field=field)
    ctype = sniff(data[:16])
    if ctype is None:
        raise ValidationFailed(f"文件“{name}”的类型不支持，只接受 JPEG、PNG、WebP 图片和 PDF 文件", field=field)
    return Upload(content=data, content_type=ctype, name=str(name)[-80:])


def _too_big(name: str) -> str:
    return f"文件“{name}”超过大小上限 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB"


def validate_all(files, *, field: str = "photos") -> list[Upload]:
    return [validate_upload(f, field=field) for f in (files or [])]


def store(case, upload: Upload, *, kind: str, user=None, event=None):
    """Save a validated upload as an Attachment of ``case``."""
    from jishi.cases.models import Attachment

    att = Attachment(case=case, event=event, kind=kind, content_type=upload.content_type, size=len(upload.content),
                     sha256=hashlib.sha256(upload.content).hexdigest(),
                     uploaded_by=user if getattr(user, "is_authenticated", False) else None)
    att.file.save(f"{case.number}-{uuid.uuid4().hex[:8]}.{upload.ext}", ContentFile(upload.content), save=False)
    att.save()
    return att
