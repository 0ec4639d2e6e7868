"""`python -m counter_app`: the clerk's station (Kivy), with the settings of --config or flags.

    python -m counter_app --backend http://127.0.0.1:8000 --counter 1
    python -m counter_app --config /etc/motcua/counter.json
    python -m counter_app --fullscreen                     # a dedicated station
    python -m counter_app --window --size 1366x768         # a window of that size

The window starts maximised unless told otherwise.

Without a config file every device is simulated: the virtual printer writes each receipt as a
PNG under <data>/receipts, the LED board is a fake, the voice is silent.
"""

from __future__ import annotations

import argparse
import os
import sys

from drivers.message import Parser


def parse(argv: list[str]) -> argparse.Namespace:
    parser = Parser(prog="python -m counter_app",
                                     description="Quầy tiếp nhận / intake counter station")
    parser.add_argument("--config", help="JSON station settings (see counter_app/config.py)")
    parser.add_argument("--backend", dest="backend_url", help="backend URL")
    parser.add_argument("--counter", type=int, help="counter number the queue calls to")
    parser.add_argument("--station", help="station name (offline number leases)")
    parser.add_argument("--data", dest="data_dir", help="folder for the outbox and receipts")
    parser.add_argument("--printer", help="virtual[:DIR], tcp://HOST:PORT, usb:VID:PID, "
                                          "serial:DEV@BAUD or a device file")
    parser.add_argument("--paper", dest="paper_mm", type=int, choices=(58, 80))
    parser.add_argument("--profile", help="station profile, e.g. x86-counter or demo-fake")
    parser.add_argument("--size", help="window size WxH, e.g. 1366x768")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fullscreen", dest="window", action="store_const", const="fullscreen",
                      help="fill the screen (a dedicated station)")
    mode.add_argument("--window", dest="window", action="store_const", const="window",
                      help="an ordinary window (--size, else 1366x768)")
    mode.add_argument("--maximized", dest="window", action="store_const", const="maximized",
                      help="a maximised window (the default)")
    return parser.parse_args(argv)


def set_window(config) -> None:
    """Kivy reads its window settings once, when the window is made: set them first."""
    from kivy.config import Config

    for key, value in config.kivy_graphics().items():
        Config.set("graphics", key, value)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our flags are not Kivy's
    from counter_app.config import load
    from counter_app.core import CounterStation
    from counter_app.texts import CounterError

    try:
        config = load(args.config, **{k: v for k, v in vars(args).items() if k != "config"})
        if config.profile:
            from counter_app.profile import config_from_profile

            config = config_from_profile(config.profile, config)
    except CounterError as error:
        print(error, file=sys.stderr)
        return 2
    set_window(config)
    from counter_app.screens.app import CounterApp

    station = CounterStation(config).start()
    app = CounterApp(station)
    scanner = start_scanner(config.scanner, app)
    try:
        app.run()
    finally:
        if scanner is not None:
            scanner.stop()
    return 0


def start_scanner(spec: str, app):
    """A serial scanner feeds the returns screen; a keyboard wedge needs nothing."""
    if not spec.startswith("serial:"):
        return None
    from kivy.clock import Clock

    from drivers.scanners.serial_scanner import SerialScanner

    device, _, baud = spec.removeprefix("serial:").partition("@")
    hop = lambda event: Clock.schedule_once(lambda _: app.on_scan(event.text))  # noqa: E731
    return SerialScanner(device, hop, baudrate=int(baud or 9600)).start()


if __name__ == "__main__":
    sys.exit(main())
