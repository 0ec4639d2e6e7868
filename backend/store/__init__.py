"""motcua: backend/store."""
