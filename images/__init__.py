"""OS images for kiosk and counter units: building them, their block maps, and flashing cards."""
