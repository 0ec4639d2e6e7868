"""motcua: drivers."""
