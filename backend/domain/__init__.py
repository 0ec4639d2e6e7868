"""motcua: backend/domain."""
