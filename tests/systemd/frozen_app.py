"""Run the kiosk or counter app (a subprocess) whose UI loop hangs for a while once it has run.

    python -m tests.systemd.frozen_app kiosk|counter HANG_AFTER_S HANG_FOR_S [app args...]

The hang is a callback on the Kivy clock that blocks, as a stuck UI handler would; the app's
other threads go on. HANG_AFTER counts from the loop's first tick, not from this import: on a
loaded machine the imports alone can outlast it, and a hang before the first frame is no test.
Everything else is the real app started by its real entry point.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    which, after, hang_for, *rest = sys.argv[1:]
    from kivy.clock import Clock

    def hang(_dt) -> None:
        time.sleep(float(hang_for))

    Clock.schedule_once(lambda _dt: Clock.schedule_once(hang, float(after)), 0)
    if which == "kiosk":
        from kiosk_app.cli import main as app_main
    else:
        from counter_app.__main__ import main as app_main
    return app_main(rest)


if __name__ == "__main__":
    sys.exit(main())
