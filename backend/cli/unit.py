"""The commands a kiosk or counter unit runs on itself, and the one that makes it: `motcua
firstboot`, `motcua selftest-due`, `motcua hw` (from drivers/hwcli.py, handed the client that
sends a self-test report) and `motcua flash`."""

from __future__ import annotations

import sys
from pathlib import Path

from backend.cli.common import now
from drivers.hwcli import add_hw_commands


def add_boot(sub) -> None:
    boot = sub.add_parser("firstboot", help="at each boot of a unit: motcua.toml, hostname, time "
                          "zone; at the first, enrolment (retries until it works)")
    boot.add_argument("--provisioning", metavar="FILE", help="motcua.toml (default: as the "
                      "image's /etc/motcua/image.toml says, else /boot/efi/motcua.toml)")
    boot.add_argument("--root", default="/", help="system root to configure")
    boot.add_argument("--data", default="/var/lib/motcua", help="where the device token goes")
    boot.add_argument("--tries", type=int, default=0, help="give up after N tries (0: never)")
    boot.add_argument("--backoff", type=float, default=5.0, help="first wait between tries, s")
    boot.add_argument("--status", metavar="FILE", help="write how it goes here, for the "
                      "first-boot screen (the unit: /run/motcua/firstboot.json)")
    boot.set_defaults(func=cmd_firstboot)
    due = sub.add_parser("selftest-due", help="exit 0 if today is the week's first working day "
                         "(the weekly equipment check), else 1")
    due.add_argument("--backend", required=True, metavar="URL")
    due.add_argument("--token-file", help="the device token file")
    due.add_argument("--date", help="YYYY-MM-DD instead of today")
    due.set_defaults(func=cmd_selftest_due)


def add_flash(sub) -> None:
    p = sub.add_parser("flash", help="write a unit image to a card (mapped blocks only, verified)")
    p.add_argument("image", help="the .img file (its .bmap beside it is found by name)")
    p.add_argument("target", nargs="+", help="a card (/dev/sdX, /dev/mmcblkN) or a file; "
                   "several with --batch (card readers used in turn)")
    p.add_argument("--bmap", help="the block map, if not beside the image")
    p.add_argument("--provision", metavar="FILE", help="motcua.toml to put on the boot partition")
    p.add_argument("--batch", metavar="DIR", help="one provisioning .toml per unit: flash a card "
                   "for each in turn")
    p.add_argument("--log", help="batch log, CSV (default: DIR/flash-log.csv)")
    p.add_argument("--yes", action="store_true", help="do not ask before erasing the card")
    p.add_argument("--force", action="store_true", help="allow a disk that is not removable")
    p.set_defaults(func=cmd_flash)


def add_hw(sub) -> None:
    add_hw_commands(sub, send_report=_send_selftest)


def cmd_firstboot(args) -> int:
    from backend import firstboot

    path = Path(args.provisioning or firstboot.provisioning_path(Path(args.root)))
    return firstboot.run(path, Path(args.root), Path(args.data), tries=args.tries,
                         backoff=args.backoff, say=lambda text: print(text, flush=True),
                         status=Path(args.status) if args.status else None)


def cmd_selftest_due(args) -> int:
    """Exit 0 when the weekly check is due today (systemd ExecCondition), 1 when not."""
    from datetime import date

    import requests

    day = args.date or now().date().isoformat()
    token = Path(args.token_file).read_text("ascii").strip() if args.token_file else ""
    try:
        answer = requests.get(f"{args.backend.rstrip('/')}/api/v1/devices/selftest-due",
                              params={"day": day}, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        due = answer.json()["due"]
    except (requests.RequestException, ValueError, KeyError):
        # The check must still happen with the server away: the national calendar decides.
        from backend.domain.calendar import WorkingCalendar

        print("Không hỏi được lịch của trạm, dùng lịch quốc gia / site calendar unreachable, "
              "using the national calendar", file=sys.stderr)
        due = WorkingCalendar().is_first_working_day_of_week(date.fromisoformat(day))
    print(f"{day}: {'đến hạn kiểm tra / check due' if due else 'chưa đến hạn / not due'}")
    return 0 if due else 1


def _send_selftest(url: str, token: str | None, report: dict) -> None:
    """`motcua hw selftest --backend`: the report goes through the client like every call."""
    from backend.client import ApiError, BackendUnreachable, Client

    try:
        Client(url, token=token, timeout=10).send_selftest(report)
        print("Đã gửi báo cáo lên máy chủ / report sent to the backend")
    except (ApiError, BackendUnreachable) as exc:
        print(f"Không gửi được báo cáo, đã lưu trên máy / report kept locally, not sent: {exc}",
              file=sys.stderr)


def cmd_flash(args) -> int:
    from images import batch, flasher

    targets = [Path(t) for t in args.target]
    bmap = Path(args.bmap) if args.bmap else None
    if args.batch:
        log = Path(args.log or f"{args.batch.rstrip('/')}/flash-log.csv")
        failed = batch.run(Path(args.image), targets, Path(args.batch), log, bmap=bmap,
                           force=args.force, ask=_ask_next)
        print(f"Nhật ký / log: {log}")
        return 1 if failed else 0
    if len(targets) > 1:
        raise SystemExit("Nhiều đích chỉ dùng với --batch / several targets need --batch")
    job = flasher.Job(Path(args.image), targets[0], bmap,
                      Path(args.provision) if args.provision else None, args.force)
    target = flasher.flash(job, confirm=_confirm_wipe(args))
    print(f"Đã ghi và kiểm tra / written and verified: {target.path}"
          + (" (+ motcua.toml)" if args.provision else ""))
    return 0


def _confirm_wipe(args):
    """A block device is wiped only after a yes, typed or given as --yes."""
    def confirm(target) -> bool:
        if args.yes or not target.block:
            return True
        if not sys.stdin.isatty():
            raise SystemExit(f"Cần --yes để ghi đè {target.path} khi không có bàn phím / "
                             f"use --yes to overwrite {target.path} when not on a terminal")
        answer = input(f"Xoá toàn bộ {target.path}? Gõ 'yes' / "
                       f"erase all of {target.path}? Type 'yes': ")
        return answer.strip().lower() == "yes"
    return confirm


def _ask_next(text: str) -> bool:
    try:
        input(text + " ")
    except EOFError:
        return False
    return True
