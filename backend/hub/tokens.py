"""The hub's receipt-token check lives in backend/domain/hub_tokens.py, since the site's sync
agent derives the same digests; these names stay here for the hub's own modules."""

from backend.domain.hub_tokens import LABEL, hub_key, token_digest, verify

__all__ = ["LABEL", "hub_key", "token_digest", "verify"]
