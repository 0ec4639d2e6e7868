"""motcua: backend/web."""
