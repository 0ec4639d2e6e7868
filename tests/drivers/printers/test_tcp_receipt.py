"""A receipt through the TCP 9100 virtual printer, rendered to PNG, symbols read back."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys

import pytest
import zxingcpp
from PIL import Image

from drivers.printers import EscposPrinter, NetworkConnection, VirtualPrinter
from tests.waiting import wait_until

from .conftest import COMPACT, QR_PAYLOAD, profile, receipt_document


def decode(png_path) -> dict[object, str]:
    with Image.open(png_path) as img:
        found = zxingcpp.read_barcodes(img.convert("L"))
    return {b.format: b.text for b in found}


@pytest.mark.parametrize("native", [True, False], ids=["native", "raster-symbols"])
@pytest.mark.parametrize("encoding", ["tcvn3", "raster"])
@pytest.mark.parametrize("mm", [58, 80])
def test_receipt_over_tcp_decodes(tmp_path, mm, encoding, native, capsys):
    prof = profile(mm, encoding, native)
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    with printer.serve() as server:
        driver = EscposPrinter(NetworkConnection(*server.address, timeout=5), prof)
        with driver:
            result = driver.print_document(receipt_document())
    assert result.ok and result.verified, result.reason
    assert result.after.ready and result.bytes_sent > 0
    (receipt,) = printer.receipts
    assert receipt.complete and receipt.path.suffix == ".png"
    with Image.open(receipt.path) as png:
        assert png.width == prof.paper_width_dots
        assert set(png.convert("L").getdata()) <= {0, 255}  # white paper, black print
    codes = decode(receipt.path)
    assert codes.get(zxingcpp.BarcodeFormat.QRCode) == QR_PAYLOAD
    assert codes.get(zxingcpp.BarcodeFormat.Code128) == COMPACT
    assert ("code128", COMPACT) in receipt.symbols if native else not receipt.symbols
    if encoding == "tcvn3":
        assert "Người nộp: Nguyễn Thị Ánh Tuyết" in receipt.lines
    assert not printer.unknown
    assert capsys.readouterr().out == ""  # python-escpos prints notices; none may leak


def test_receipt_sizes(tmp_path):
    """~30-line receipt: text mode a couple of KB (serial-friendly), raster about 20 KB."""
    doc = receipt_document(30)
    sizes = {}
    for encoding in ("tcvn3", "cp1258", "raster"):
        for mm in (58, 80):
            prof = profile(mm, encoding)
            printer = VirtualPrinter.from_profile(prof)
            data = EscposPrinter(printer.connection(), prof).compile(doc)
            printer.feed(data)
            sizes[(encoding, mm)] = len(data)
            if encoding != "raster":
                assert len(printer.receipts[-1].lines) >= 25
    for mm in (58, 80):
        assert sizes[("tcvn3", mm)] < 4096
        assert sizes[("cp1258", mm)] < 4096
        assert 12_000 < sizes[("raster", mm)] < 28_000  # measured ~22 KB


def test_two_clients_and_restart(tmp_path):
    prof = profile(58, "cp1258")
    printer = VirtualPrinter.from_profile(prof, out_dir=tmp_path)
    with printer.serve() as server:
        for _ in range(2):
            with EscposPrinter(NetworkConnection(*server.address), prof) as driver:
                assert driver.print_document(receipt_document(12)).ok
    assert [r.number for r in printer.receipts] == [1, 2]
    assert len(list(tmp_path.glob("*.png"))) == 2


@contextlib.contextmanager
def standalone(*args: str, sigint_ignored: bool = False):
    """``python -m drivers.printers ARGS --port 0``: (its banner, the port it serves on);
    stopped with Ctrl-C as a technician would, which must end it cleanly. `sigint_ignored`:
    started as a script's background job is, with SIGINT ignored."""
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
    proc = subprocess.Popen([sys.executable, "-m", "drivers.printers", "--port", "0", *args],
                            stdout=subprocess.PIPE, text=True, preexec_fn=ignore)
    try:
        banner = proc.stdout.readline()
        yield banner, int(re.search(r"127\.0\.0\.1:(\d+)", banner).group(1))
    finally:
        assert interrupted(proc) == 0


def interrupted(proc: subprocess.Popen) -> int:
    """Ctrl-C, then its exit code; generous, as a loaded machine is slow to unwind a process."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()


def test_standalone_virtual_printer_process(tmp_path):
    """``python -m drivers.printers`` serves on a free port and writes PNGs (for the demo)."""
    with standalone("--paper", "58", "--out", str(tmp_path)) as (banner, port):
        assert "Máy in ảo" in banner and "virtual printer" in banner
        with EscposPrinter(NetworkConnection("127.0.0.1", port), profile(58)) as driver:
            assert driver.print_document(receipt_document(8)).ok
    assert len(list(tmp_path.glob("*.png"))) == 1


def test_standalone_virtual_printer_stops_on_ctrl_c_when_started_in_the_background(tmp_path):
    """A script's `python -m drivers.printers &` inherits SIGINT ignored (so did this suite's
    workers when the suite itself was started with `&`, and the printer never stopped)."""
    with standalone("--paper", "58", "--out", str(tmp_path), sigint_ignored=True) as (banner, _):
        assert "virtual printer" in banner


def test_standalone_virtual_printer_simulates_a_profiled_model(tmp_path):
    from drivers.profiles import load_profiles, printer_profile

    with standalone("--model", "generic-pos-58", "--out", str(tmp_path)) as (_, port):
        prof = printer_profile(load_profiles().devices["generic-pos-58"])
        with EscposPrinter(NetworkConnection("127.0.0.1", port), prof) as driver:
            assert driver.print_document(receipt_document(8)).ok
        # No cutter: the page ends with the job's tear feed.
        wait_until(lambda: list(tmp_path.glob("*.png")), timeout=20)
    [png] = tmp_path.glob("*.png")
    assert png.name == "generic-pos-58-0001.png"
    unknown = subprocess.run([sys.executable, "-m", "drivers.printers", "--model", "nope"],
                             capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "no printer profile 'nope'" in unknown.stderr
    assert "generic-pos-58" in unknown.stderr
