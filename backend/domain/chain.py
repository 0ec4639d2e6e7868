"""The event log's hash chain: each event's hash covers the previous hash and the event's own
columns, so an edited or deleted row breaks the chain from there on. Pure, so the site's store,
its migration and the hub compute it the same way."""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
HASHED = ("id", "case_id", "action", "actor", "role", "unit", "at", "from_status", "to_status",
          "note", "data")


def event_hash(row: dict, prev: str) -> str:
    """SHA-256 of the previous hash and a canonical JSON of the row's own columns."""
    content = json.dumps({k: row[k] for k in HASHED}, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False)
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()
