"""The Content-Security-Policy: scripts only from this server or carrying the per-request nonce."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def tile_origin() -> str:
    """scheme://host[:port] of the configured map tile server (its URL may hold {x}/{y}/{z} and {s})."""
    url = getattr(settings, "JISHI_MAP_TILE_URL", "") or ""
    if not url:
        return ""
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def policy(nonce: str) -> str:
    img = ["'self'", "data:", "blob:"]
    if tile_origin():
        img.append(tile_origin())
    script = ["'self'", f"'nonce-{nonce}'"]
    if getattr(settings, "JISHI_CSP_UNSAFE_EVAL", False):
        script.append("'unsafe-eval'")
    directives = {
        "default-src": ["'self'"],
        "script-src": script,
        "style-src": ["'self'", "'unsafe-inline'"],  # Leaflet and ECharts set inline styles
        "img-src": img,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())
