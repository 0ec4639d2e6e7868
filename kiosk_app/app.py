"""The Kivy application: fullscreen, locked down, rendering the core every time it changes.

    configure_kivy(config)        # before anything imports kivy.core.window
    app = make_app(core)          # app.run() in production; tests build it without run()

Locked down: closing the window (Alt-F4, the window manager) is refused, every key is swallowed
(Esc, F1's settings panel), multitouch emulation is off and Kivy's settings keys are not
installed. Keys that end in Enter within a fraction of a second are treated as a keyboard-wedge
scanner that the evdev driver could not grab: the code is looked up, nothing else happens.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time

from kiosk_app.config import KioskConfig

log = logging.getLogger(__name__)
WEDGE_GAP = 0.08  # seconds between a scanner's keystrokes; people type slower


def kivy_settings(config: KioskConfig) -> list[tuple[str, str, str]]:
    """(section, key, value) for Kivy's Config: size, fullscreen, rotation, cursor, input."""
    width, height = config.window_size
    if config.rotation in (90, 270):  # Kivy turns the picture; the window is the panel's shape
        width, height = height, width
    full = config.fullscreen
    return [(section, key, str(value)) for section, key, value in (
        ("graphics", "width", width), ("graphics", "height", height),
        ("graphics", "fullscreen", "auto" if full else 0), ("graphics", "borderless", int(full)),
        ("graphics", "resizable", 0), ("graphics", "rotation", config.rotation),
        ("graphics", "show_cursor", int(not config.hide_cursor)),
        ("graphics", "maxfps", 30),  # a lobby screen needs no more, the Pi's CPU decodes frames
        ("kivy", "exit_on_escape", 0), ("kivy", "pause_on_minimize", 0),
        ("kivy", "keyboard_mode", "system"),  # never Kivy's own pop-up keyboard
        ("input", "mouse", "mouse,disable_multitouch"),
    )]


def configure_kivy(config: KioskConfig) -> None:
    """Window and input settings; must run before the window exists."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # the kiosk's arguments are its own
    # SDL keeps the screen awake while a window is open; let it blank only when asked to.
    os.environ["SDL_VIDEO_ALLOW_SCREENSAVER"] = "0" if config.screen_blank_s is None else "1"
    from kivy.config import Config

    for section, key, value in kivy_settings(config):
        Config.set(section, key, value)


def blanking_commands(seconds: int | None) -> list[list[str]]:
    """xset commands for an X session: never blank, or blank (and power the panel down)
    after `seconds` without input."""
    if seconds is None:
        return [["xset", "s", "off"], ["xset", "s", "noblank"], ["xset", "-dpms"]]
    n = str(seconds)
    return [["xset", "s", n, n], ["xset", "s", "blank"], ["xset", "+dpms"],
            ["xset", "dpms", n, n, n]]


def apply_screen_blanking(seconds: int | None, display: str | None = None) -> list[list[str]]:
    """Set the X server's screen saver and DPMS as the profile says; the commands run.

    Only where an X display and xset exist: under a Wayland compositor or on the console
    (SDL's KMS driver) there is no desktop to blank the screen, and SDL keeps it awake.
    """
    display = display if display is not None else os.environ.get("DISPLAY")
    if not display or shutil.which("xset") is None:
        return []
    done = []
    for command in blanking_commands(seconds):
        result = subprocess.run([command[0], "-display", display, *command[1:]],
                                capture_output=True, text=True, timeout=10, check=False)
        if result.returncode != 0:  # e.g. a server without DPMS: the screen saver still works
            log.warning("%s: %s", " ".join(command), result.stderr.strip())
            continue
        done.append(command)
    return done


def _app_class():
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    from drivers.sdnotify import LoopWatch
    from kiosk_app.screens.root import KioskRoot
    from kiosk_app.screens.theme import BG, register_fonts, rgba, sizes_for

    class KioskApp(App):
        title = "motcua kiosk"
        use_kivy_settings = False

        def __init__(self, core, **kw) -> None:
            super().__init__(**kw)
            self.core = core
            self._typed, self._typed_at = "", 0.0

        def build(self):
            register_fonts()
            Window.clearcolor = rgba(BG)
            root = KioskRoot(self.core, sizes_for(*Window.size))
            self.core.subscribe(root.render)
            root.render(self.core.state)
            Window.bind(on_request_close=self.refuse_close, on_keyboard=self.key,
                        on_touch_down=self.touched)
            Clock.schedule_interval(self.frame, 0)
            Clock.schedule_interval(lambda _dt: root.tick_clock(), 1.0)
            self.watch = LoopWatch()
            self.watch.attach(Window, Clock)
            return root

        def frame(self, _dt: float) -> None:
            self.core.pump()
            self.root.frame()
            if self.core.restart_requested:
                self.stop()

        def touched(self, _window, touch) -> bool:
            self.core.touch(touch.sx, 1.0 - touch.sy)  # shares from the top-left
            return False  # the widgets still get the touch

        def refuse_close(self, *_args, **_kw) -> bool:
            return True

        def key(self, _window, key: int, _scancode, codepoint, _modifiers) -> bool:
            now = time.monotonic()
            if now - self._typed_at > WEDGE_GAP:
                self._typed = ""
            self._typed_at = now
            if key == 13 and len(self._typed) >= 8:
                self.core.wedge_scanned(self._typed)
                self._typed = ""
            elif codepoint and len(self._typed) < 256:
                self._typed += codepoint
            return True  # swallowed: Esc, F1, Alt-F4 and the rest do nothing

        def open_settings(self, *_args) -> bool:
            return False

        def _install_settings_keys(self, window) -> None:
            pass

        def on_stop(self) -> None:
            self.watch.stopping()
            self.core.close()

    return KioskApp


def make_app(core):
    """The KioskApp for `core`; Kivy is imported here, after configure_kivy()."""
    return _app_class()(core)


def run(config: KioskConfig) -> str:
    """Run until stopped; "restart" when the admin asked for a restart."""
    configure_kivy(config)
    from kiosk_app.core import Kiosk
    from kiosk_app.devices import Hardware

    core = Kiosk(config, hardware=Hardware.from_config(config))
    core.start()
    app = make_app(core)
    # After the window exists: an X server left with no client resets its settings.
    apply_screen_blanking(config.screen_blank_s)
    _stop_on_sigterm(app)
    try:
        app.run()
    finally:
        core.close()
    return "restart" if core.restart_requested else "stopped"


def _stop_on_sigterm(app) -> None:
    """`systemctl stop` sends SIGTERM: stop at the next frame, closing devices and threads."""
    import signal

    from kivy.clock import Clock

    signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: app.stop()))
