"""Batch flashing: a card per unit in turn, the technician asked to swap cards, and the log."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from images import disk

ROOT = Path(__file__).resolve().parents[2]


def unit_file(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_each_unit_gets_its_own_card_and_the_log_says_which(unit_image, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    for n in (1, 2, 3):
        unit_file(units, f"kiosk-0{n}", f'backend_url = "http://motcua.local:8000"\n'
                  f'hostname = "kiosk-0{n}"\n')
    unit_file(units, "kiosk-04", 'hostname = "kiosk-04"\n')  # no backend: refused, logged
    readers = [tmp_path / "reader-a.img", tmp_path / "reader-b.img"]
    log = tmp_path / "flash-log.csv"
    done = subprocess.run([sys.executable, "-m", "backend.cli", "flash", str(unit_image),
                           *map(str, readers), "--batch", str(units), "--log", str(log)],
                          cwd=ROOT, input="\n\n", capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # one unit failed
    assert "insert the card for kiosk-03 into" in done.stdout
    assert "kiosk-04: LỖI / FAILED" in done.stdout
    rows = list(csv.DictReader(log.read_text(encoding="utf-8").splitlines()))
    assert [(r["unit"], Path(r["target"]).name) for r in rows] == [
        ("kiosk-01", "reader-a.img"), ("kiosk-02", "reader-b.img"),
        ("kiosk-03", "reader-a.img"), ("kiosk-04", "reader-b.img")]
    assert [r["result"] for r in rows[:3]] == ["ok"] * 3
    assert "backend_url must be an http(s):// address" in rows[3]["result"]
    assert all(r["image"] == "unit.img" and r["time"] for r in rows)
    on_a = disk.read_file(readers[0], disk.boot_partition(readers[0]), "motcua.toml")
    on_b = disk.read_file(readers[1], disk.boot_partition(readers[1]), "motcua.toml")
    assert on_a == (units / "kiosk-03.toml").read_bytes()  # the second card in reader A
    assert on_b == (units / "kiosk-02.toml").read_bytes()  # kiosk-04's failure left it alone


def test_the_batch_stops_when_no_next_card_comes(unit_image, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    for n in (1, 2):
        unit_file(units, f"counter-0{n}", 'backend_url = "https://motcua.example.vn"\n')
    reader = tmp_path / "reader.img"
    done = subprocess.run([sys.executable, "-m", "backend.cli", "flash", str(unit_image),
                           str(reader), "--batch", str(units)], cwd=ROOT, input="",
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "stopped on request" in done.stdout
    log = (units / "flash-log.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(log.splitlines()))
    assert [r["unit"] for r in rows] == ["counter-01"]
