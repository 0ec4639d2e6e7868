"""The maintenance screen a unit shows when its app keeps failing (systemd OnFailure=), instead
of a console: bilingual, with the unit's name and the support number. Needs no backend.

    python -m kiosk_app.maintenance --unit motcua-kiosk [--screenshot out.png]
    python -m kiosk_app.maintenance --firstboot /run/motcua/firstboot.json

The number comes from `$MOTCUA_SUPPORT_PHONE` (set in /etc/motcua/motcua.env). With
`--firstboot` the same screen follows the first-boot agent (backend/firstboot.py): what is
wrong (no network, wrong address, code expired) and when it tries again, until the unit is
enrolled; then it leaves the screen to the app.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

from drivers.message import Parser

# A short headline per first-boot failure; the agent's own sentence says what to do.
HEADLINES = {
    "no_network": ("Không kết nối được máy chủ", "Cannot reach the server"),
    "wrong_url": ("Sai địa chỉ máy chủ", "Wrong server address"),
    "enrol_code_expired": ("Mã đăng ký đã hết hạn", "The enrolment code has expired"),
    "enrol_code_used": ("Mã đăng ký đã được dùng", "The enrolment code was used already"),
    "enrol_code_invalid": ("Mã đăng ký không đúng", "The enrolment code is wrong"),
    "bad_provision": ("Tệp motcua.toml sai", "motcua.toml is wrong"),
}


def message(unit: str, phone: str, host: str) -> str:
    number = phone.replace(" ", "\u00a0")  # a phone number never breaks across lines
    call = (f"Gọi hỗ trợ kỹ thuật\nCall technical support\n[size=46sp][b]{number}[/b][/size]"
            if phone else "Vui lòng báo cán bộ tại quầy\nPlease tell the staff at the counter")
    return (f"[b]Thiết bị đang bảo trì[/b]\n[b]This unit is under maintenance[/b]\n\n{call}\n\n"
            f"[size=22sp]{host} — {unit}[/size]")


def read_status(path: Path) -> dict:
    try:
        status = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"state": "starting"}
    return status if isinstance(status, dict) else {"state": "starting"}


def firstboot_message(status: dict, host: str, now: float) -> str:
    """The first-boot screen's words for the agent's `status`."""
    if status.get("state") not in ("retrying", "failed"):
        return (f"[b]Đang đăng ký thiết bị…[/b]\n[b]Enrolling this unit…[/b]\n\n"
                f"[size=22sp]{host}[/size]")
    vi, en = HEADLINES.get(status.get("key", ""), ("Chưa đăng ký được thiết bị",
                                                    "This unit is not enrolled yet"))
    retry_at = status.get("retry_at")
    if status["state"] == "retrying" and isinstance(retry_at, int | float):
        seconds = max(0, round(retry_at - now))
        when = f"Thử lại sau {seconds} giây / Retrying in {seconds} s"
    else:
        when = "Sửa lỗi rồi khởi động lại / Fix this, then restart the unit"
    return (f"[b]{vi}[/b]\n[b]{en}[/b]\n\n[size=26sp]{status.get('vi', '')}\n\n"
            f"{status.get('en', '')}[/size]\n\n[size=26sp][b]{when}[/b][/size]\n\n"
            f"[size=22sp]{host}[/size]")


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m kiosk_app.maintenance")
    parser.add_argument("--unit", default="motcua")
    parser.add_argument("--firstboot", metavar="STATUS",
                        help="follow the first-boot agent's status file instead")
    parser.add_argument("--screenshot", help="save the first frame as PNG and exit")
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.uix.label import Label

    from kiosk_app.screens.theme import FONT, HEADER, register_fonts, rgba

    host = os.environ.get("MOTCUA_DEVICE_NAME") or socket.gethostname()

    def text() -> str:
        if args.firstboot:
            return firstboot_message(read_status(Path(args.firstboot)), host, time.time())
        return message(args.unit.removesuffix(".service"),
                       os.environ.get("MOTCUA_SUPPORT_PHONE", ""), host)

    class MaintenanceApp(App):
        def build(self):
            register_fonts()
            Window.clearcolor = rgba(HEADER)
            Window.bind(on_request_close=lambda *_a, **_k: True)  # no way out from the screen
            label = Label(text=text(), markup=True, font_name=FONT, font_size="34sp",
                          halign="center", valign="middle", color=rgba("#FFFFFF"))
            # Wrap within the screen, portrait kiosks included.
            label.bind(size=lambda w, size: setattr(w, "text_size", (size[0] * 0.9, None)))
            if args.firstboot:
                Clock.schedule_interval(lambda _dt: self.follow(label), 1.0)
            return label

        def follow(self, label) -> None:
            """Count down to the next try; leave once enrolled (the app takes the screen)."""
            if read_status(Path(args.firstboot)).get("state") == "enrolled":
                self.stop()
            label.text = text()

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
