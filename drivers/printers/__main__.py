"""``python -m drivers.printers --port 9100 --out receipts/``: run the virtual network printer.

Point a counter station at it (``NetworkConnection("127.0.0.1", 9100)``); every receipt it
prints is saved as a PNG in the folder given. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from .base import PrinterProfile
from .fake import VirtualPrinter


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Máy in ảo ESC/POS / Virtual ESC/POS printer")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="0 = any free port")
    parser.add_argument("--out", default="receipts", help="folder for the receipt PNGs")
    parser.add_argument("--paper", type=int, choices=(58, 80), default=80, help="mm")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    printer = VirtualPrinter.from_profile(PrinterProfile.for_paper(args.paper), out)
    with printer.serve(args.host, args.port) as server:
        host, port = server.address
        print(f"Máy in ảo ở {host}:{port}, phiếu in lưu vào {out} / "
              f"virtual printer on {host}:{port}, receipts saved to {out}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.stopped.wait()


if __name__ == "__main__":
    main()
