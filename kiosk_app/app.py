"""The Kivy application: fullscreen, locked down, rendering the core every time it changes.

    configure_kivy(config)        # before anything imports kivy.core.window
    app = make_app(core)          # app.run() in production; tests build it without run()

Locked down: closing the window (Alt-F4, the window manager) is refused, every key is swallowed
(Esc, F1's settings panel), multitouch emulation is off and Kivy's settings keys are not
installed. Keys that end in Enter within a fraction of a second are treated as a keyboard-wedge
scanner that the evdev driver could not grab: the code is looked up, nothing else happens.
"""

from __future__ import annotations

import os
import time

from kiosk_app.config import KioskConfig

WEDGE_GAP = 0.08  # seconds between a scanner's keystrokes; people type slower


def configure_kivy(config: KioskConfig) -> None:
    """Window size, fullscreen and input settings; must run before the window exists."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # the kiosk's arguments are its own
    from kivy.config import Config

    width, height = config.window_size
    full = config.fullscreen
    for section, key, value in (
        ("graphics", "width", width), ("graphics", "height", height),
        ("graphics", "fullscreen", "auto" if full else 0), ("graphics", "borderless", int(full)),
        ("graphics", "resizable", 0), ("graphics", "show_cursor", int(not full)),
        ("graphics", "maxfps", 30),  # a lobby screen needs no more, the Pi's CPU decodes frames
        ("kivy", "exit_on_escape", 0), ("kivy", "pause_on_minimize", 0),
        ("kivy", "keyboard_mode", "system"),  # never Kivy's own pop-up keyboard
        ("input", "mouse", "mouse,disable_multitouch"),
    ):
        Config.set(section, key, str(value))


def _app_class():
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

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
