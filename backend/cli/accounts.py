"""`motcua user` and `motcua device`: staff accounts, and the kiosks, counters and displays
that talk to the backend (tokens and one-time enrolment codes)."""

from __future__ import annotations

import argparse
import getpass
import sys

from backend.cli.common import now, open_store

DEVICE_KINDS = ["kiosk", "counter", "display"]


def add_user(sub) -> None:
    user = sub.add_parser("user", help="staff accounts").add_subparsers(
        dest="user_command", required=True)
    add = user.add_parser("add", help="create a staff account (password changed at first login)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["clerk", "officer", "leader", "admin"])
    add.add_argument("--unit", help="unit code, e.g. MOTCUA")
    add.add_argument("--full-name", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_user_add)


def add_device(sub) -> None:
    device = sub.add_parser("device", help="kiosks and counters").add_subparsers(
        dest="device_command", required=True)
    add = device.add_parser("add", help="register a device and print its token")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=DEVICE_KINDS)
    add.add_argument("--station", default="")
    add.set_defaults(func=cmd_device_add)
    revoke = device.add_parser("revoke", help="stop a device's token from working at once")
    revoke.add_argument("name")
    revoke.set_defaults(func=cmd_device_revoke)
    rotate = device.add_parser("rotate", help="give a device a new token (the old one stops)")
    rotate.add_argument("name")
    rotate.set_defaults(func=cmd_device_rotate)
    code = device.add_parser("enrol-code", help="a one-time code a new unit trades for its token "
                             "at first boot (motcua.toml: enrol_code)")
    code.add_argument("--station", required=True)
    code.add_argument("--kind", default="kiosk", choices=DEVICE_KINDS)
    code.add_argument("--ttl", type=_ttl, default="24h", help="how long it lasts: 30m, 24h, 7d")
    code.set_defaults(func=cmd_device_enrol_code)


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise SystemExit("Cần --password-stdin khi không có bàn phím / "
                         "use --password-stdin when not on a terminal")
    first = getpass.getpass("Mật khẩu / Password: ")
    if first != getpass.getpass("Nhập lại / Repeat: "):
        raise SystemExit("Hai lần nhập không khớp / The two entries differ")
    return first


def cmd_user_add(args) -> int:
    from backend.store import accounts

    user = accounts.add_user(open_store(args), args.username, _read_password(args), args.role,
                             full_name=args.full_name, unit=args.unit, must_change=True,
                             actor="cli", now=now())
    print(f"Đã tạo tài khoản / created user {user['username']} ({user['role']}); "
          "phải đổi mật khẩu khi đăng nhập lần đầu / must change password at first login")
    return 0


def cmd_device_add(args) -> int:
    from backend.store import accounts

    token, device = accounts.register_device(open_store(args), args.name, args.kind,
                                             args.station, "cli", now())
    print(f"Thiết bị / device {device['name']} ({device['kind']})\n"
          f"Mã truy cập (chỉ hiện một lần) / token (shown once): {token}")
    return 0


def cmd_device_revoke(args) -> int:
    from backend.store import accounts

    device = accounts.revoke_device(open_store(args), args.name, "cli", now())
    print(f"Đã thu hồi thiết bị / revoked device {device['name']}: mã truy cập cũ không còn "
          "dùng được / its token no longer works")
    return 0


def cmd_device_rotate(args) -> int:
    from backend.store import accounts

    token, device = accounts.rotate_device(open_store(args), args.name, "cli", now())
    print(f"Thiết bị / device {device['name']} ({device['kind']}): mã cũ hết hiệu lực / "
          f"the old token no longer works\n"
          f"Mã truy cập mới (chỉ hiện một lần) / new token (shown once): {token}")
    return 0


def _ttl(text: str):
    """`30m`, `24h` or `7d`."""
    from datetime import timedelta

    units = {"m": "minutes", "h": "hours", "d": "days"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise argparse.ArgumentTypeError("thời hạn dạng 30m, 24h, 7d / "
                                         "a duration like 30m, 24h, 7d")
    return timedelta(**{units[text[-1]]: int(text[:-1])})


def cmd_device_enrol_code(args) -> int:
    from backend.store import enrolment

    made = enrolment.create_code(open_store(args), args.station, args.kind, args.ttl, "cli",
                                 now())
    print(f"Mã đăng ký một lần / one-time enrolment code: {made['code']}\n"
          f"trạm / station {made['station']} ({made['kind']}), hết hạn / expires "
          f"{made['expires_at']}")
    return 0
