"""The playground page and its static assets, served by the service itself (no CDN, nothing fetched).

They are public (no token): they hold no data, and the browser cannot send a bearer header when it opens
a page. Every API call the page makes carries the token typed into it. The Content-Security-Policy allows
scripts, styles and requests from this origin only, so no inline script or handler runs, whatever a
payload or a finding holds.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..resources import data_path

STATIC_DIR = Path(__file__).resolve().parent / "static"
EXAMPLE = "examples/conversation-response.json"  # the specification's example response, as the playground's "Load the example"
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
               ".json": "application/json"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}


@lru_cache(maxsize=1)
def assets() -> dict[str, tuple[bytes, str]]:
    """URL path -> (body, media type): ``/`` and each file of ``static/``, plus the example; read once."""
    found = {f"/static/{path.name}": (path.read_bytes(), MEDIA_TYPES[path.suffix]) for path in STATIC_DIR.iterdir() if path.suffix in MEDIA_TYPES}
    found["/"] = found.pop("/static/index.html")
    found["/static/example.json"] = (data_path(EXAMPLE).read_bytes(), MEDIA_TYPES[".json"])
    return found


def public_paths() -> frozenset[str]:
    """The paths answered without the token."""
    return frozenset(assets())
