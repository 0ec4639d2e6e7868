"""motcua: backend."""
