"""motcua: backend/api."""
