"""The few widgets every kiosk screen is built from: text that wraps, big buttons, panels, keys.

Drawn with plain canvas instructions (rounded rectangles, flat colours): nothing depends on a
theme image, and a screenshot is the same on every machine with the bundled font.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kivy.effects.scroll import ScrollEffect
from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk_app.screens.theme import FONT, INK, KIND_COLOURS, LINE, PANEL, PRIMARY, rgba
from kiosk_app.strings import Msg


def esc(text: str) -> str:
    return escape_markup(text)


class Text(Label):
    """A paragraph: wraps to its width, grows to its text's height."""

    def __init__(self, text: str = "", size: int = 36, colour: str = INK, bold: bool = False,
                 align: str = "left", **kw) -> None:
        super().__init__(text=text, font_name=FONT, font_size=size, color=rgba(colour),
                         bold=bold, halign=align, valign="middle", size_hint_y=None,
                         markup=kw.pop("markup", False), **kw)
        self.bind(width=self._wrap, texture_size=self._grow)

    def _wrap(self, *_: object) -> None:
        self.text_size = (self.width, None)

    def _grow(self, *_: object) -> None:
        self.height = self.texture_size[1]


class Filled:
    """Mixin: a rounded rectangle behind the widget, in `fill` (and `border`) colours."""

    def paint(self, fill: str, border: str | None = None, radius: int = 24,
              alpha: float = 1.0) -> None:
        self.canvas.before.clear()
        with self.canvas.before:
            self._fill_colour = Color(*rgba(fill, alpha))
            self._rect = RoundedRectangle(pos=self.pos, size=self.size, radius=[radius])
            if border:
                Color(*rgba(border))
                self._line = Line(rounded_rectangle=(*self.pos, *self.size, radius), width=2)
        self.bind(pos=self._follow, size=self._follow)
        self._radius = radius

    def _follow(self, *_: object) -> None:
        self._rect.pos, self._rect.size = self.pos, self.size
        if hasattr(self, "_line"):
            self._line.rounded_rectangle = (*self.pos, *self.size, self._radius)


class BigButton(ButtonBehavior, Filled, Label):
    """A large rounded button; `on_press` is given as `action` (called with no argument)."""

    def __init__(self, text: str, action: Callable[[], None], *, fill: str = PRIMARY,
                 ink: str = "#FFFFFF", border: str | None = None, size: int = 42,
                 height: int = 132, bold: bool = True, **kw) -> None:
        super().__init__(text=text, font_name=FONT, font_size=size, bold=bold, color=rgba(ink),
                         halign="center", valign="middle", size_hint_y=None, height=height, **kw)
        self.action = action
        self.fill = fill
        self.paint(fill, border)
        self.bind(size=self._wrap)

    def _wrap(self, *_: object) -> None:
        # 20 px each side on a wide button; a small key (a letter in a 1280x800 window) keeps
        # most of its width, or its letter is drawn with both sides cut off.
        self.text_size = (self.width - min(40, self.width / 4), None)

    def on_press(self) -> None:
        self._fill_colour.a = 0.75  # visible feedback for people unsure they touched it

    def on_release(self) -> None:
        self._fill_colour.a = 1.0
        self.action()


class Panel(Filled, BoxLayout):
    """A white card holding a column of widgets, sized to its content."""

    def __init__(self, fill: str = PANEL, border: str | None = LINE, padding: int = 32,
                 spacing: int = 16, **kw) -> None:
        super().__init__(orientation="vertical", padding=padding, spacing=spacing,
                         size_hint_y=None, **kw)
        self.paint(fill, border)
        self.bind(minimum_height=self.setter("height"))


class Column(BoxLayout):
    """A vertical stack sized to its content (for inside a ScrollView)."""

    def __init__(self, spacing: int = 16, padding: int = 0, **kw) -> None:
        super().__init__(orientation="vertical", spacing=spacing, padding=padding,
                         size_hint_y=None, **kw)
        self.bind(minimum_height=self.setter("height"))


def scroller(content: Widget) -> ScrollView:
    # A wide bar that never fades (it tells people the list goes on) and no overscroll bounce
    # (it looks broken to someone who has never used a touchscreen).
    view = ScrollView(do_scroll_x=False, bar_width=14, scroll_type=["bars", "content"],
                      bar_color=rgba(PRIMARY, 0.6), bar_inactive_color=rgba(PRIMARY, 0.6),
                      effect_cls=ScrollEffect)
    view.add_widget(content)
    # New content starts at its top. A list scrolled to its end and then refilled with fewer
    # items would otherwise sit at the bottom of an empty panel (ScrollView keeps scroll_y).
    content.bind(height=lambda *_: setattr(view, "scroll_y", 1))
    return view


class Spacer(Widget):
    pass


def message_text(message: Msg | None, lang: str, size: int) -> Text:
    """A notice as text in its kind's colour (empty when there is none)."""
    if message is None:
        return Text("", size=size)
    return Text(message.text(lang), size=size, colour=KIND_COLOURS.get(message.level, INK),
                bold=message.level in ("error", "warn"))


Key = tuple[str, str] | tuple[str, str, float]  # (key sent, label[, width in key widths])


class Keypad(BoxLayout):
    """Rows of keys; each press calls `on_key(key)`. Wide keys (space, clear) take more room,
    short rows are padded so that every ordinary key has the same size."""

    def __init__(self, rows: Sequence[Sequence[Key]], on_key: Callable[[str], None],
                 key_h: int = 120, size: int = 48, gap: int = 14, **kw) -> None:
        super().__init__(orientation="vertical", spacing=gap, size_hint_y=None, **kw)
        self.height = len(rows) * key_h + (len(rows) - 1) * gap
        widest = max(sum(_weight(k) for k in row) for row in rows)
        for row in rows:
            line = BoxLayout(spacing=gap)
            for key in row:
                line.add_widget(self._key(key, on_key, key_h, size))
            room = widest - sum(_weight(k) for k in row)
            if room:
                line.add_widget(Spacer(size_hint_x=room))
            self.add_widget(line)

    @staticmethod
    def _key(key: Key, on_key, key_h: int, size: int) -> Widget:
        sent, label = key[0], key[1]
        special = len(sent) > 1
        button = BigButton(label, lambda: on_key(sent), fill="#DDE6EE" if special else PANEL,
                           ink=INK, border=LINE, size=size - (10 if special else 0),
                           height=key_h, bold=not special)
        button.size_hint_x = _weight(key)
        return button


def _weight(key: Key) -> float:
    return key[2] if len(key) > 2 else 1.0
