"""motcua: kiosk_app."""
