"""The handful of widgets the counter's screens are built from.

Flat colours drawn with canvas instructions, no theme images: a screenshot depends only on the
bundled font, so the reference images hold on any machine.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from counter_app.screens.theme import (
    BODY,
    FONT,
    INK,
    LEVELS,
    LINE,
    MUTED,
    PANEL,
    PRIMARY,
    ROW,
    SMALL,
    rgba,
)
from counter_app.texts import Msg


def paint(widget, colour: str, alpha: float = 1.0) -> None:
    """A flat background that follows the widget."""
    with widget.canvas.before:
        widget._bg_colour = Color(*rgba(colour, alpha))
        widget._bg = Rectangle(pos=widget.pos, size=widget.size)

    def follow(*_: object) -> None:
        widget._bg.pos, widget._bg.size = widget.pos, widget.size

    widget.bind(pos=follow, size=follow)


def repaint(widget, colour: str) -> None:
    widget._bg_colour.rgba = rgba(colour)


class Text(Label):
    """A paragraph: wraps to its width; with `grow` its height follows the text."""

    def __init__(self, text: str = "", size: int = BODY, colour: str = INK, bold: bool = False,
                 align: str = "left", grow: bool = True, **kw) -> None:
        super().__init__(text=text, font_name=FONT, font_size=size, color=rgba(colour),
                         bold=bold, halign=align, valign="middle", **kw)
        if grow:
            # An empty label never reports a texture size: start at 0, not Kivy's 100 px.
            self.size_hint_y, self.height = None, 0
            self.bind(texture_size=self._grow)
        self.bind(width=self._wrap)

    def _wrap(self, *_: object) -> None:
        self.text_size = (self.width, None if self.size_hint_y is None else self.height)

    def _grow(self, *_: object) -> None:
        self.height = self.texture_size[1] if self.text else 0


class MsgText(Text):
    """A core message: Vietnamese first, the English beside it in grey, coloured by level."""

    def show(self, msg: Msg | None) -> None:
        if msg is None:
            self.text = ""
            return
        self.markup = True
        self.color = rgba(LEVELS.get(msg.level, INK))
        self.text = f"[b]{_esc(msg.vi)}[/b]  [color={MUTED}]{_esc(msg.en)}[/color]"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


class FlatButton(Button):
    def __init__(self, text: str, action: Callable[[], object] | None = None, *,
                 colour: str = PRIMARY, ink: str = "#FFFFFF", size: int = BODY,
                 height: int = ROW, **kw) -> None:
        super().__init__(text=text, font_name=FONT, font_size=size, bold=True,
                         color=rgba(ink), background_normal="", background_down="",
                         background_color=rgba(colour), size_hint_y=None, height=height,
                         halign="center", valign="middle", **kw)
        self.bind(size=self._wrap)
        if action is not None:
            self.bind(on_release=lambda *_: action())

    def _wrap(self, *_: object) -> None:
        self.text_size = (self.width - 12, None)


class Field(BoxLayout):
    """A labelled one-line text input."""

    def __init__(self, label: str, text: str = "", password: bool = False, wrap: bool = False,
                 **kw) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, height=ROW + 24, spacing=2,
                         **kw)
        if wrap:  # a hint worth reading whole: a second line on a narrow column
            self.label = Text(label, size=SMALL, colour=MUTED)
            self.label.bind(height=lambda _, h: setattr(self, "height", ROW + 4 + max(h, 20)))
        else:  # one line, cut with "…" if the column is narrow: never over the input below
            self.label = Text(label, size=SMALL, colour=MUTED, grow=False, size_hint_y=None,
                              height=20, shorten=True, shorten_from="right")
        self.input = TextInput(text=text, multiline=False, password=password, font_name=FONT,
                               font_size=BODY, size_hint_y=None, height=ROW, write_tab=False,
                               padding=[8, 9], cursor_blink=False)
        self.add_widget(self.label)
        self.add_widget(self.input)

    @property
    def value(self) -> str:
        return self.input.text

    @value.setter
    def value(self, text: str) -> None:
        self.input.text = text

    def mark(self, bad: bool) -> None:
        self.label.color = rgba(LEVELS["error"] if bad else MUTED)


class Panel(BoxLayout):
    """A white card with padding, on the grey page."""

    def __init__(self, colour: str = PANEL, **kw) -> None:
        kw.setdefault("orientation", "vertical")
        kw.setdefault("padding", 14)
        kw.setdefault("spacing", 8)
        super().__init__(**kw)
        paint(self, colour)


def scroller() -> ScrollView:
    """A vertical scroll view whose bar never fades: the clerk sees at once that there is
    more below (and a screenshot does not depend on how long a frame took)."""
    bar = rgba(MUTED, 0.7)
    return ScrollView(do_scroll_x=False, bar_width=6, bar_color=bar, bar_inactive_color=bar)


def rule() -> BoxLayout:
    line = BoxLayout(size_hint_y=None, height=1)
    paint(line, LINE)
    return line


class CounterScreen(Screen):
    """A screen of the app; `refresh()` runs each time it is shown."""

    def __init__(self, app, name: str) -> None:
        super().__init__(name=name)
        self.app = app
        self.station = app.station

    def refresh(self) -> None:
        pass
