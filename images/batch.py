"""Batch flashing: one card per unit, in turn, and a log of which card got which unit.

The units are the provisioning files of a folder (`kiosk-01.toml`, ...), taken in name order.
With several card readers the cards are written one reader after another; when a reader comes
round again the technician is asked to put in the next card.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from backend.domain.calendar import VN_TZ
from images.errors import FlashRefused
from images.flasher import Job, flash
from images.progress import Progress
from images.target import Host

LOG_FIELDS = ["time", "unit", "target", "serial", "image", "result"]


def units_in(folder: Path) -> list[Path]:
    units = sorted(Path(folder).glob("*.toml"))
    if not units:
        raise FlashRefused(f"Thư mục {folder} không có tệp .toml nào (mỗi thiết bị một tệp)",
                           f"the folder {folder} holds no .toml files (one per unit)",
                           key="no_units")
    return units


def _log(path: Path, row: dict) -> None:
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, LOG_FIELDS)
        if new:
            out.writeheader()
        out.writerow(row)


def run(image: Path, targets: list[Path], folder: Path, log: Path, *, bmap: Path | None = None,
        force: bool = False, host: Host | None = None, progress: Progress | None = None,
        ask=None, say=print) -> int:
    """Flash every unit; returns how many failed. `ask(text)` False stops the batch."""
    host = host or Host()
    failed = 0
    for i, unit in enumerate(units_in(folder)):
        target = targets[i % len(targets)]
        if i >= len(targets) and ask is not None and not ask(
                f"Lắp thẻ cho {unit.stem} vào {target} rồi nhấn Enter / "
                f"insert the card for {unit.stem} into {target} and press Enter"):
            say("Dừng theo yêu cầu / stopped on request")
            break
        row = {"time": datetime.now(VN_TZ).isoformat(timespec="seconds"), "unit": unit.stem,
               "target": str(target), "serial": "", "image": Path(image).name, "result": "ok"}
        try:
            done = flash(Job(Path(image), target, bmap, unit, force), host, progress)
            row["serial"] = done.serial(host) if done.block else ""
            say(f"{unit.stem}: xong / done -> {target}")
        except FlashRefused as exc:
            failed += 1
            row["result"] = str(exc)
            say(f"{unit.stem}: LỖI / FAILED: {exc}")
        _log(Path(log), row)
    return failed
