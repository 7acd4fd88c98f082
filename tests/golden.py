"""Golden values of the seed documents without their text: tests compare a short digest of what
planmap reads (a title, a heading, an issuer) with the digest recorded here, so the project never
holds a copy of the documents' words while the tests still fail when reading changes.
"""
from __future__ import annotations

import hashlib


def digest(text: str | None) -> str:
    """First 12 hex digits of the SHA-1 of ``text`` (UTF-8); None and "" both give the digest of ""."""
    return hashlib.sha1((text or "").encode("utf-8")).hexdigest()[:12]
