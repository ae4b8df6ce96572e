"""JSON and XML rendering of GeoReport v2 bodies, shaped like the spec's examples.

Values arrive JSON-ready (str, int, float, bool, None, list, dict). In XML a list becomes a container
element whose children are named by ``ITEMS`` (``endpoints`` → ``endpoint``), ``True``/``False`` become
``true``/``false`` and ``None`` an empty element. Text is escaped by ElementTree; characters XML 1.0
cannot carry at all (most C0 controls) are dropped so the document always parses.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json", "xml": "application/xml; charset=utf-8"}
ITEMS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value",
         "services": "service", "service_requests": "request", "errors": "error"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        name = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    """``body`` (a list or a dict) under the element ``root``, with an XML declaration, UTF-8."""
    element = ET.Element(root)
    _fill(element, body)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def render(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    """The response in ``fmt`` (``json`` or ``xml``); ``root`` names the XML root element."""
    if fmt == "xml":
        content = to_xml(root, body)
    else:
        content = json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The spec's error body: ``[{"code": 400, "description": "…"}]`` / ``<errors><error>…``.
    The code is numeric (the HTTP status), as in the spec's examples."""
    return render(fmt if fmt in FORMATS else "json", "errors",
                  [{"code": status, "description": d} for d in descriptions], status=status)


def error_for(request, status: int, description: str) -> HttpResponse:
    """The error list in the format the path asks for (``….xml`` → XML, else JSON): for answers given before
    an Open311 view runs (unknown path, bad input caught by the pages' middleware)."""
    return errors("xml" if request.path.endswith(".xml") else "json", status, description)
