"""`motcua hw …`: which hardware is plugged in, and are the hardware profiles right.

    motcua hw detect [--json] [--profiles DIR]     connected devices and the profile of each
    motcua hw check-profiles [--profiles DIR]      exit 2 with file:line messages on any mistake

backend/cli/unit.py wires these in with `add_hw_commands(sub)`; on a unit without the
backend, `python -m drivers.hwcli detect` does the same. Handlers return the exit code, as the
backend's do (`args.func(args)`). Drivers never import the backend, so sending a self-test
report is handed in by backend/cli/unit.py (through backend/client.py); run alone, `--backend`
says it needs the `motcua` command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from drivers import discovery
from drivers.message import Parser
from drivers.profiles import DEFAULT_ROOT, ProfileSet, load_profiles, read_profiles

NO_MATCH = "không khớp hồ sơ nào / no matching profile"
EXIT_INVALID = 2


ReportSender = Callable[[str, "str | None", dict], None]  # (backend URL, token, report)


def add_hw_commands(subparsers: Any,
                    send_report: ReportSender | None = None) -> argparse.ArgumentParser:
    """Add `hw detect`, `hw check-profiles` and `hw selftest` to an argparse subparsers object;
    `send_report` delivers a self-test report to the backend when `--backend` is given."""
    hw = subparsers.add_parser("hw", help="phần cứng / hardware: detect devices, check profiles")
    commands = hw.add_subparsers(dest="hw_command", required=True)
    detect = commands.add_parser("detect", help="thiết bị đang cắm và hồ sơ khớp / "
                                 "connected devices and the profile each matches")
    detect.add_argument("--json", action="store_true", help="JSON output for scripts")
    _profiles_option(detect)
    detect.set_defaults(func=cmd_detect)
    check = commands.add_parser("check-profiles", help="kiểm tra mọi hồ sơ / validate every "
                                "device and station profile (exit 2 on mistakes)")
    _profiles_option(check)
    check.set_defaults(func=cmd_check_profiles)
    _add_selftest(commands, send_report)
    return hw


def _add_selftest(commands: Any, send_report: ReportSender | None) -> None:
    test = commands.add_parser("selftest", help="kiểm tra thiết bị hàng tuần / weekly equipment "
                               "self-test of a station (exit 1 when a device fails)")
    test.add_argument("--station", required=True, help="e.g. x86-counter, demo-fake")
    test.add_argument("--report-dir", default="var/selftest", metavar="DIR")
    test.add_argument("--backend", metavar="URL", help="send the report to this backend")
    test.add_argument("--token", help="the device token (motcua device add)")
    _profiles_option(test)
    test.set_defaults(func=cmd_selftest, send_report=send_report)


def cmd_selftest(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    from drivers.selftest import run_selftest, summary_lines, write_report
    from drivers.station import StationError, open_station

    try:
        with open_station(args.station, load_profiles(args.profiles)) as station:
            report = run_selftest(station, datetime.now(timezone(timedelta(hours=7))))
    except StationError as exc:
        print(f"Lỗi / Error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(report)))
    print(f"Báo cáo / report: {write_report(report, Path(args.report_dir))}")
    if args.backend and args.send_report is None:
        print("Gửi báo cáo cần lệnh motcua (có backend) / sending the report needs the motcua "
              "command (with the backend installed); report kept locally", file=sys.stderr)
    elif args.backend:
        args.send_report(args.backend, args.token, report)
    return 0 if report["ok"] else 1


def _profiles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profiles", default=str(DEFAULT_ROOT), metavar="DIR",
                        help=f"thư mục hồ sơ / profile folder (default: {DEFAULT_ROOT})")


# --- hw check-profiles ---------------------------------------------------------------------


def cmd_check_profiles(args: argparse.Namespace) -> int:
    profiles = read_profiles(args.profiles)
    for warning in profiles.warnings:
        print(f"Cảnh báo / warning: {warning}", file=sys.stderr)
    for problem in profiles.problems:
        print(problem, file=sys.stderr)
    if profiles.problems:
        count = len(profiles.problems)
        print(f"{count} lỗi trong hồ sơ phần cứng / {count} mistake(s) in the hardware profiles",
              file=sys.stderr)
        return EXIT_INVALID
    print(f"Hồ sơ hợp lệ / profiles valid: {len(profiles.devices)} thiết bị / devices, "
          f"{len(profiles.stations)} trạm / stations")
    return 0


# --- hw detect -----------------------------------------------------------------------------


def cmd_detect(args: argparse.Namespace) -> int:
    profiles = read_profiles(args.profiles)
    found = discovery.discover(profiles, discovery.default_sources())
    if args.json:
        print(json.dumps(_as_json(found, profiles), ensure_ascii=False, indent=2))
    else:
        _warn_invalid(profiles)
        print("\n".join(render(found)))
    return 0


def _as_json(found: list[discovery.Detection], profiles: ProfileSet) -> dict[str, Any]:
    return {"devices": [d.to_json() for d in found],
            "profile_problems": [str(p) for p in profiles.problems]}


def _warn_invalid(profiles: ProfileSet) -> None:
    # Detection still runs on the valid profiles: a typo in one file must not hide the rest.
    if profiles.problems:
        count = len(profiles.problems)
        print(f"Cảnh báo / warning: {count} lỗi trong hồ sơ, xem 'motcua hw check-profiles' / "
              f"{count} profile mistake(s), see 'motcua hw check-profiles'", file=sys.stderr)


def render(found: list[discovery.Detection]) -> list[str]:
    """The human-readable listing, one block per device."""
    if not found:
        return ["Không thấy thiết bị nào / no devices found"]
    lines = ["Thiết bị đã kết nối / connected devices:"]
    for detection in found:
        lines += _block(detection)
    return lines


def _block(d: discovery.Detection) -> list[str]:
    label = "" if d.label in ("n/a", d.ident) else f"  {d.label}"
    lines = [f"  {d.source} {d.ident}{label}", f"      → {_verdict(d)}"]
    if d.station_path:
        lines.append(f"      đường dẫn cho trạm / station path: {d.station_path}")
    lines += [f"      {path}" for path in d.paths if path != d.station_path]
    return lines


def _verdict(d: discovery.Detection) -> str:
    if d.profile is None:
        return NO_MATCH
    text = f"{d.profile} ({d.kind})"
    if d.confidence == "assumed":
        text += " — mã USB chưa kiểm chứng / USB ID assumed, not verified"
    if d.also:
        text += f" — cũng khớp / also matches: {', '.join(d.also)}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="motcua", description="motcua: phần cứng / hardware")
    add_hw_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["hw", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
