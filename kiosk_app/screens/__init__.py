"""Kivy screens of the kiosk. They render `kiosk_app.state.KioskState` and call the core; no rule
lives here. Import only after `kiosk_app.app.configure_kivy()` (the window is made on import).
"""
