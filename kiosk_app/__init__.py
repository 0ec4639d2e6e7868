"""motcua kiosk: the lobby touchscreen (scan a receipt, see the case; procedures, queue, ratings).

`kiosk_app.core.Kiosk` is the whole behaviour without a screen; `kiosk_app.screens` renders it
with Kivy; `python -m kiosk_app` runs it.
"""

__version__ = "0.1.0"
