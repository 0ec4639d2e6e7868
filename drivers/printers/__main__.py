"""``python -m drivers.printers --port 9100 --out receipts/``: run the virtual network printer.

Point a counter station at it (``NetworkConnection("127.0.0.1", 9100)``); every receipt it
prints is saved as a PNG in the folder given. Ctrl-C stops it. ``--model generic-pos-58``
simulates a profiled model as the driver sees it (paper, cutter, code pages, native symbols);
without it, an unchecked printer of ``--paper`` width (a clone: Epson's code page numbers
print the wrong letters on it).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
from pathlib import Path

from drivers.message import Parser

from .base import PrinterProfile
from .fake import VirtualPrinter


def main(argv: list[str] | None = None) -> None:
    parser = Parser(description="Máy in ảo ESC/POS / Virtual ESC/POS printer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="0 = any free port")
    parser.add_argument("--out", default="receipts", help="folder for the receipt PNGs")
    parser.add_argument("--paper", type=int, choices=(58, 80), default=80, help="mm")
    parser.add_argument("--model", help="printer profile to simulate, e.g. generic-pos-58")
    args = parser.parse_args(argv)
    # Started in the background by a script (`… &`), the shell hands it SIGINT ignored, and
    # Python keeps an ignored SIGINT ignored: Ctrl-C or `kill -INT` would not stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    out = Path(args.out).resolve()
    profile = model_profile(parser, args.model) if args.model else PrinterProfile.for_paper(
        args.paper)
    printer = VirtualPrinter.from_profile(profile, out)
    # Ctrl-C may come the moment the banner is out: the whole serve is inside the suppress.
    with contextlib.suppress(KeyboardInterrupt), printer.serve(args.host, args.port) as server:
        host, port = server.address
        print(f"Máy in ảo ở {host}:{port}, phiếu in lưu vào {out} / "
              f"virtual printer on {host}:{port}, receipts saved to {out}", flush=True)
        server.stopped.wait()


def model_profile(parser: argparse.ArgumentParser, name: str) -> PrinterProfile:
    from drivers.profiles import load_profiles, printer_profile

    printers = {n: d for n, d in load_profiles().devices.items() if d.kind == "printer"}
    if name not in printers:
        known = ", ".join(sorted(printers))
        parser.error(f"không có hồ sơ máy in '{name}' (có: {known}) / "
                     f"no printer profile '{name}' (there are: {known})")
    return printer_profile(printers[name])


if __name__ == "__main__":
    main()
