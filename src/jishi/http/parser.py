"""Request bodies: JSON, or a form (what htmx sends by default from the pages). An empty body is ``{}``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class JishiParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type in FORM_TYPES:
            return {k: (v if len(v) > 1 else v[0]) for k, v in request.POST.lists()}
        if not request.body.strip():
            return {}
        return json.loads(request.body)
