"""`python -m kiosk_app` runs the kiosk; `python -m kiosk_app register` enrols this unit.

    MOTCUA_BACKEND_URL=http://10.0.0.2:8000 MOTCUA_DEVICE_NAME=kiosk-sanh-1 \\
        echo "$ADMIN_PASSWORD" | python -m kiosk_app register --admin admin
    python -m kiosk_app                      # fullscreen; configuration: see kiosk_app/config.py
    python -m kiosk_app --window --printer virtual:/tmp/tickets --camera photos/
    python -m kiosk_app --size 1280x800      # a window of that size (layout scaled to fit)
    python -m kiosk_app --headless           # no screen: heartbeat and devices only
"""

from __future__ import annotations

import argparse
import sys

from backend.client import ApiError, BackendUnreachable, Client
from drivers.message import Parser
from kiosk_app.config import KioskConfig

RESTART_EXIT_CODE = 75  # systemd: Restart=on-failure brings the app back


def register(config: KioskConfig, admin: Client) -> str:
    """Create this device on the backend (an admin's session) and keep its token on disk."""
    answer = admin.register_device(config.device_name, "kiosk", config.station)
    config.save_token(answer["token"])
    return answer["token"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m kiosk_app",
                                     description="Ki-ốt tra cứu hồ sơ / lobby kiosk")
    parser.add_argument("--window", action="store_true",
                        help="a window (the station's screen size) instead of fullscreen")
    parser.add_argument("--size", metavar="WxH", help="a window of this size, e.g. 1280x800")
    parser.add_argument("--headless", action="store_true",
                        help="no screen: heartbeat and devices only (kiosk_app/headless.py)")
    for name in ("backend-url", "printer", "camera", "scanner", "orientation", "agency-code"):
        parser.add_argument(f"--{name}")
    sub = parser.add_subparsers(dest="command")
    enrol = sub.add_parser("register", help="register this kiosk with the backend")
    enrol.add_argument("--admin", required=True, help="admin user name (password on stdin)")
    return parser


def _config(args: argparse.Namespace) -> KioskConfig:
    config = KioskConfig.load()
    overrides = {key: value for key in ("backend_url", "printer", "camera", "scanner",
                                        "orientation", "agency_code")
                 if (value := getattr(args, key)) is not None}
    if args.window or args.size:  # a technician's or a developer's window: with a pointer
        overrides |= {"fullscreen": False, "hide_cursor": False}
    if args.size:
        overrides["window"] = args.size
    values = {f: getattr(config, f) for f in config.__dataclass_fields__}
    return KioskConfig.from_dict({**values, **overrides})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = _config(args)
    except (ValueError, OSError) as error:  # a bad file or value: say which, no traceback
        print(f"Cấu hình ki-ốt sai / kiosk configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "register":
        return _register(config, args.admin, sys.stdin.readline().rstrip("\n"))
    if args.headless:
        from kiosk_app.headless import run
    else:
        from kiosk_app.app import run

    return RESTART_EXIT_CODE if run(config) == "restart" else 0


def _register(config: KioskConfig, username: str, password: str) -> int:
    admin = Client(config.backend_url)
    try:
        admin.login(username, password)
        register(config, admin)
    except (ApiError, BackendUnreachable) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        admin.session.close()
    print(f"Đã đăng ký {config.device_name}; mã thiết bị lưu ở {config.token_path} / "
          f"registered {config.device_name}; token saved in {config.token_path}")
    return 0
