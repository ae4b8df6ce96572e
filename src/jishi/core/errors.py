"""Errors raised by service functions. Pages show ``message`` (Chinese); the API returns
``code`` + ``message`` + ``field`` as a structured problem."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; nothing was changed."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details or {}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """An illegal state transition or a lost race: HTTP 409."""

    status = 409
    code = "conflict"
