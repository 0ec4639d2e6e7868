"""The frame around every screen: header (home, site, language), status strips, footer.

`KioskRoot.render(state)` is the only way the UI changes: the core calls it (through its
listener) after every change, and each screen redraws what it shows from the state.
"""

from __future__ import annotations

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.widget import Widget

from kiosk_app.screens.admin import AdminScreen, PinScreen
from kiosk_app.screens.catalog import ProcedureListScreen, ProcedureScreen, ProceduresScreen
from kiosk_app.screens.home import HomeScreen
from kiosk_app.screens.lookup import RateScreen, ScanScreen, StatusScreen, TypeScreen
from kiosk_app.screens.queue import QueueScreen, TicketScreen
from kiosk_app.screens.theme import BG, FONT, HEADER, KIND_COLOURS, MUTED, Sizes, rgba
from kiosk_app.screens.widgets import BigButton, Filled, Text
from kiosk_app.state import KioskState
from kiosk_app.strings import Msg, msg, tr

SCREEN_CLASSES = (HomeScreen, ScanScreen, TypeScreen, StatusScreen, ProceduresScreen,
                  ProcedureListScreen, ProcedureScreen, QueueScreen, TicketScreen, PinScreen,
                  AdminScreen, RateScreen)
WEEKDAYS = {"vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
            "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                   "Sunday")}


def _fill(widget: Widget, colour: str) -> None:
    with widget.canvas.before:
        Color(*rgba(colour))
        rect = Rectangle(pos=widget.pos, size=widget.size)
    widget.bind(pos=lambda _w, pos: setattr(rect, "pos", pos),
                size=lambda _w, size: setattr(rect, "size", size))


class Strip(Filled, BoxLayout):
    """A full-width coloured line of text (busy, offline, notices); zero height when empty."""

    def __init__(self, sizes: Sizes) -> None:
        super().__init__(padding=(sizes.pad, 14), size_hint_y=None, height=0)
        self.text = Text("", size=sizes.body, colour="#FFFFFF", bold=True, align="center")
        self.add_widget(self.text)
        self.paint(KIND_COLOURS["info"], radius=0)
        self.text.bind(height=self._fit)
        self.message: Msg | None = None

    def show(self, message: Msg | None, lang: str) -> None:
        self.message = message
        self.text.text = message.text(lang) if message else ""
        self._fill_colour.rgba = rgba(KIND_COLOURS.get(message.level if message else "info"))
        self._fit()

    def _fit(self, *_: object) -> None:
        self.height = self.text.height + 28 if self.message else 0
        self.opacity = 1 if self.message else 0


class KioskRoot(BoxLayout):
    def __init__(self, core, sizes: Sizes) -> None:
        super().__init__(orientation="vertical")
        self.core, self.sz = core, sizes
        _fill(self, BG)
        self.add_widget(self._header())
        self.busy, self.offline, self.idle = Strip(sizes), Strip(sizes), Strip(sizes)
        self.add_widget(self.idle)
        self.add_widget(self.offline)
        self.add_widget(self.busy)
        self.manager = ScreenManager(transition=NoTransition())
        self.screens = {cls.screen_name: cls(core, sizes) for cls in SCREEN_CLASSES}
        for screen in self.screens.values():
            self.manager.add_widget(screen)
        self.add_widget(self.manager)
        self.notice = Strip(sizes)
        self.add_widget(self.notice)
        self.add_widget(self._footer())

    def _header(self) -> BoxLayout:
        bar = BoxLayout(size_hint_y=None, height=self.sz.header_h, padding=(20, 14), spacing=20)
        _fill(bar, HEADER)
        self.home = BigButton("", self.core.go_home, fill="#FFFFFF", ink=HEADER,
                              size=self.sz.small, height=self.sz.header_h - 28,
                              size_hint_x=None, width=300)
        # A long centre name takes two lines; the header never grows.
        self.site = Label(font_name=FONT, font_size=self.sz.body, bold=True, halign="center",
                          valign="middle", max_lines=2, color=rgba("#FFFFFF"))
        self.site.bind(size=lambda label, size: setattr(label, "text_size", size))
        self.lang = BigButton("", self.core.toggle_language, fill="#FFFFFF", ink=HEADER,
                              size=self.sz.small, height=self.sz.header_h - 28,
                              size_hint_x=None, width=300)
        for widget in (self.home, self.site, self.lang):
            bar.add_widget(widget)
        return bar

    def _footer(self) -> BoxLayout:
        bar = BoxLayout(size_hint_y=None, height=self.sz.footer_h, padding=(self.sz.pad, 10))
        _fill(bar, "#DDE3E8")
        self.clock = Text("", size=self.sz.small, colour=MUTED)
        bar.add_widget(self.clock)
        return bar

    def render(self, state: KioskState) -> None:
        lang = state.lang
        self.site.text = self.core.config.site_name or tr("site", lang)
        self.home.text = "⌂  " + tr("home", lang)
        self.home.opacity, self.home.disabled = ((0, True) if state.screen == "home"
                                                 else (1, False))
        self.lang.text = tr("lang_toggle", lang)
        left = state.idle_left
        self.idle.show(msg("idle_warning", "warn", s=left) if left else None, lang)
        self.offline.show(state.offline, lang)
        self.busy.show(state.busy, lang)
        # The typing and PIN screens say what is wrong next to what was typed.
        inline = state.screen in ("type", "pin")
        self.notice.show(None if inline else state.notice, lang)
        for screen in self.screens.values():
            screen.render(state)
        self.show_screen(state.screen)
        self.tick_clock(lang)

    def show_screen(self, name: str) -> None:
        """Switch now. Even NoTransition keeps the old screen drawn under the new one until its
        zero-length animation ends a frame later, and nothing redraws the window after that:
        the old screen stayed visible (two "Back" buttons) until the clock next changed."""
        if self.manager.current != name:
            self.manager.current = name
            self.manager.transition.stop()

    def tick_clock(self, lang: str | None = None) -> None:
        now = self.core.now()
        lang = lang or self.core.state.lang
        day = WEEKDAYS[lang][now.weekday()]
        self.clock.text = f"{now:%H:%M}   {day}, {now:%d/%m/%Y}"

    def frame(self) -> None:
        """Every frame: the camera picture, when the scanning screen is showing."""
        if self.manager.current == "scan":
            self.screens["scan"].preview()
