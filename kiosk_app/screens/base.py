"""What every kiosk screen shares: it renders `KioskState` and calls the core, nothing more.

A screen rebuilds its widgets only when what it shows changed (`layout_key`), and updates the
few live parts (typed text, PIN dots) in `update()`: typing must not rebuild 40 keys per key.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk_app.screens.theme import BG, INK, LINE, MUTED, PANEL, PRIMARY, Sizes
from kiosk_app.screens.widgets import BigButton, Column, Panel, Text
from kiosk_app.state import KioskState
from kiosk_app.strings import Msg, tr


class KioskScreen(Screen):
    screen_name = ""
    shows = ""  # the part of the state this screen draws (a case, a ticket), if it draws one

    def __init__(self, core, sizes: Sizes, **kw) -> None:
        super().__init__(name=self.screen_name, **kw)
        self.core = core
        self.sz = sizes
        self.lang = "vi"
        self._layout_key: object = None

    def render(self, state: KioskState) -> None:
        self.lang = state.lang
        key = (state.lang, self.layout_key(state))
        if key != self._layout_key:
            self._layout_key = key
            self.clear_widgets()
            self.add_widget(self.build(state) if self._has_part(state) else self.page())
        self.update(state)

    def _has_part(self, state: KioskState) -> bool:
        """Once its part of the state is cleared (idle, home), a screen draws an empty page:
        nothing of the last citizen stays drawn on it."""
        return not self.shows or getattr(state, self.shows) is not None

    # --- for subclasses -------------------------------------------------------------------

    def layout_key(self, state: KioskState) -> object:
        return getattr(state, self.shows) if self.shows else None

    def build(self, state: KioskState) -> Widget:
        """The screen's widgets; called only while its part of the state (`shows`) is there."""
        raise NotImplementedError

    def update(self, state: KioskState) -> None:
        """Refresh the live parts; the default screen has none."""

    # --- helpers --------------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def m(self, message: Msg | None) -> str:
        return message.text(self.lang) if message else ""

    def page(self, *, horizontal: bool = False) -> BoxLayout:
        return BoxLayout(orientation="horizontal" if horizontal else "vertical",
                         padding=self.sz.pad, spacing=self.sz.gap)

    def stack(self, *widgets: Widget, padding: int | None = None) -> BoxLayout:
        """A vertical page (or part of one) holding `widgets` top to bottom."""
        box = BoxLayout(orientation="vertical", spacing=self.sz.gap,
                        padding=self.sz.pad if padding is None else padding)
        for widget in widgets:
            box.add_widget(widget)
        return box

    def side_by_side(self, left: Widget, right: Widget) -> BoxLayout:
        """Landscape: two columns of equal width."""
        page = self.page(horizontal=True)
        page.add_widget(left)
        page.add_widget(right)
        return page

    def title(self, text: str) -> Text:
        return Text(text, size=self.sz.title, bold=True)

    def subtitle(self, text: str) -> Text:
        return Text(text, size=self.sz.body, colour=MUTED)

    def button(self, text: str, action: Callable[[], None], *, primary: bool = True,
               **kw) -> BigButton:
        if primary:
            return BigButton(text, action, size=self.sz.button, height=self.sz.button_h, **kw)
        return BigButton(text, action, fill=PANEL, ink=INK, border=LINE, size=self.sz.button,
                         height=self.sz.button_h, **kw)

    def row(self, *widgets: Widget) -> BoxLayout:
        box = BoxLayout(spacing=self.sz.gap, size_hint_y=None, height=self.sz.button_h)
        for widget in widgets:
            box.add_widget(widget)
        return box

    def facts(self, rows) -> Panel:
        """(label, value) pairs: a small grey label over its value, pairs kept apart."""
        panel = Panel(padding=self.sz.pad, spacing=self.sz.gap)
        for label, value in rows:
            pair = Column(spacing=4)
            pair.add_widget(Text(self.m(label), size=self.sz.small, colour=MUTED))
            pair.add_widget(Text(self.m(value), size=self.sz.body, bold=True))
            panel.add_widget(pair)
        return panel

    def back_button(self) -> BigButton:
        return self.button("‹ " + self.t("back"), self.core.back, primary=False)


__all__ = ["BG", "PRIMARY", "KioskScreen"]
