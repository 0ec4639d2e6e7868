"""motcua: counter_app."""
