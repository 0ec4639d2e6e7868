"""`motcua report` run as a person would: the installed command on a real database file."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backend.domain import reports as definitions
from backend.store import reports
from backend.store.db import Store
from tests.backend.test_report_figures import play_year

MOTCUA = str(Path(sys.executable).parent / "motcua")


@pytest.fixture
def db(template_db, tmp_path):
    path = tmp_path / "motcua.sqlite"
    shutil.copy(template_db, path)
    store = Store(path)
    play_year(store, seed=7, n=30)
    store.close()
    return path


def motcua(db: Path, *words: str) -> subprocess.CompletedProcess:
    return subprocess.run([MOTCUA, "--db", str(db), "report", *words], capture_output=True,
                          timeout=120)


def test_csv_on_stdout_is_the_report(db):
    done = motcua(db, "--from", "2026-01-01", "--to", "2026-12-31", "--by", "field")
    assert done.returncode == 0, done.stderr.decode()
    rows = list(csv.reader(io.StringIO(done.stdout.decode())))
    store = Store(db)
    figures = reports.period_report(store, definitions.period("2026-01-01", "2026-12-31"),
                                    "field")
    store.close()
    assert rows[0] == ["group", *definitions.COLUMNS]
    # Other software reads these columns by position: the channel split only ever follows them.
    assert rows[0][:15] == ["group", "carried_over", "received", "resolved_early",
                            "resolved_on_time", "resolved_late", "in_progress_in_time",
                            "in_progress_overdue", "returned", "withdrawn", "stopped", "refused",
                            "rated_very_satisfied", "rated_satisfied", "rated_unsatisfied"]
    assert rows[0][15:] == ["received_in_person", "received_by_post", "received_online"]
    total = dict(zip(rows[0], rows[-1], strict=True))
    assert int(total["received"]) == sum(int(total[c]) for c in rows[0][15:])
    assert rows[1:] == [[g, *(str(v[c]) for c in definitions.COLUMNS)] for g, v in figures]
    assert int(rows[-1][definitions.COLUMNS.index("received") + 1]) > 0


def test_xlsx_to_a_file(db, tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    done = motcua(db, "--from", "2026-01-01", "--to", "2026-12-31", "--format", "xlsx",
                  "-o", str(out))
    assert done.returncode == 0 and "bao-cao.xlsx" in done.stderr.decode()
    sheet = load_workbook(out).active
    assert sheet["A2"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet.cell(sheet.max_row, 2).value == "Tổng cộng"
    # As on the paper form: how the files came in sits right beside the number received.
    assert [sheet.cell(6, c).value for c in range(3, 8)] == [
        "Kỳ trước chuyển qua", "Mới tiếp nhận", "Tiếp nhận trực tiếp",
        "Tiếp nhận qua bưu chính", "Tiếp nhận trực tuyến"]
    assert sheet["C5"].value == "Số hồ sơ nhận giải quyết" and "C5:G5" in sheet.merged_cells


def test_bad_dates_say_so_and_write_nothing(db, tmp_path):
    out = tmp_path / "never.csv"
    done = motcua(db, "--from", "2026-12-31", "--to", "2026-01-01", "-o", str(out))
    assert done.returncode == 2 and not out.exists()
    message = done.stderr.decode()
    assert "Ngày kết thúc" in message and "end date" in message
