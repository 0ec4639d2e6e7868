"""The maintenance screen a unit shows when its app keeps failing (systemd OnFailure=), instead
of a console: bilingual, with the unit's name and the support number. Needs no backend.

    python -m kiosk_app.maintenance --unit motcua-kiosk [--screenshot out.png]

The number comes from `$MOTCUA_SUPPORT_PHONE` (set in /etc/motcua/motcua.env).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys


def message(unit: str, phone: str, host: str) -> str:
    number = phone.replace(" ", "\u00a0")  # a phone number never breaks across lines
    call = (f"Gọi hỗ trợ kỹ thuật\nCall technical support\n[size=46sp][b]{number}[/b][/size]"
            if phone else "Vui lòng báo cán bộ tại quầy\nPlease tell the staff at the counter")
    return (f"[b]Thiết bị đang bảo trì[/b]\n[b]This unit is under maintenance[/b]\n\n{call}\n\n"
            f"[size=22sp]{host} — {unit}[/size]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk_app.maintenance")
    parser.add_argument("--unit", default="motcua")
    parser.add_argument("--screenshot", help="save the first frame as PNG and exit")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk_app.screens.theme import FONT, HEADER, register_fonts, rgba

    class MaintenanceApp(App):
        def build(self):
            register_fonts()
            Window.clearcolor = rgba(HEADER)
            Window.bind(on_request_close=lambda *_a, **_k: True)  # no way out from the screen
            text = message(args.unit.removesuffix(".service"),
                           os.environ.get("MOTCUA_SUPPORT_PHONE", ""),
                           os.environ.get("MOTCUA_DEVICE_NAME") or socket.gethostname())
            label = Label(text=text, markup=True, font_name=FONT, font_size="34sp",
                          halign="center", valign="middle", color=rgba("#FFFFFF"))
            # Wrap within the screen, portrait kiosks included.
            label.bind(size=lambda w, size: setattr(w, "text_size", (size[0] * 0.9, None)))
            return label

    app = MaintenanceApp()
    if args.screenshot:
        return _screenshot(app, args.screenshot)
    app.run()
    return 0


def _screenshot(app, out: str) -> int:
    """Draw a few frames without the run loop (as the UI tests do), then save the window."""
    from kivy.base import EventLoop
    from kivy.core.window import Window

    app.root = app.build()
    Window.add_widget(app.root)
    EventLoop.ensure_window()
    for _ in range(4):
        EventLoop.idle()
    os.replace(Window.screenshot(name=out), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
