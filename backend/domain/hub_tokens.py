"""Receipt tokens checked at the hub without the hub ever holding a site's secret.

The site derives a hub key from its secret with HMAC under a fixed label and sends, per case,
HMAC(hub key, code + token) — never the secret, never the token. HMAC is one-way: the hub key
cannot give back the site secret, so a hub (or a replica or backup of it) cannot mint receipt
tokens for new cases at the site. A presented token is checked with one HMAC, as cheap as the
site's own check, so lookups at the hub cost no more than at the site. A slow salted hash was
weighed and left: it would make every verified lookup cost tens of milliseconds, and it
protects nothing the hub does not already hold (the masked name and the history it shows).
"""

from __future__ import annotations

import hashlib
import hmac

from backend.domain.codes import TOKEN_DIGITS

LABEL = b"motcua hub lookup key v1"


def hub_key(site_secret: bytes) -> bytes:
    return hmac.new(site_secret, LABEL, hashlib.sha256).digest()


def token_digest(key: bytes, code: str, token: str) -> str:
    return hmac.new(key, f"{code}\n{token}".encode("ascii"), hashlib.sha256).hexdigest()


def verify(key: bytes, code: str, token: str | None, digest: str | None) -> bool:
    if not token or not digest or len(token) != TOKEN_DIGITS or not token.isdigit():
        return False
    return hmac.compare_digest(token_digest(key, code, token), digest)
