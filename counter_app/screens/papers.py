"""The papers of an intake: one large tick row per document, and the question asked when
required papers are not ticked.

A row reads at a glance from across the desk: a big box (green with a tick when the paper is
in, an empty box with a red frame when a required one is not), a word beside it (ĐÃ NHẬN /
CHƯA CÓ) and the row's own colour. The whole row is the target, not just the box.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.graphics import Color, Line
from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.modalview import ModalView

from counter_app.screens.theme import FONT, HEADING, INK, LEVELS, LINE, MUTED, SMALL, rgba
from counter_app.screens.widgets import Field, FlatButton, Panel, Text, paint, repaint
from counter_app.strings import both, msg

TICKED, MISSING, OPTIONAL = "#E8F5E9", "#FFEBEE", "#FFFFFF"  # row colours
BOX = 48  # the tick box, in pixels: a mouse or a finger finds it without aiming


class PaperBox(Button):
    """The tick box itself: a filled green square with ✓, or an empty framed one."""

    def __init__(self, **kw) -> None:
        super().__init__(text="", font_name=FONT, font_size=30, bold=True,
                         background_normal="", background_down="", size_hint=(None, None),
                         size=(BOX, BOX), **kw)
        with self.canvas.after:
            self._frame_colour = Color(*rgba(LINE))
            self._frame = Line(rectangle=(*self.pos, *self.size), width=2.5)
        self.bind(pos=self._follow, size=self._follow)

    def _follow(self, *_: object) -> None:
        self._frame.rectangle = (self.x + 1, self.y + 1, self.width - 2, self.height - 2)

    def show(self, ticked: bool, required: bool) -> None:
        self.text = "✓" if ticked else ""
        self.background_color = rgba(LEVELS["ok"] if ticked else "#FFFFFF")
        self.color = rgba("#FFFFFF")
        frame = LEVELS["ok"] if ticked else LEVELS["error"] if required else MUTED
        self._frame_colour.rgba = rgba(frame)


class PaperRow(BoxLayout):
    """One document: box, name (both toggle), received/missing word, number of copies."""

    active = BooleanProperty(False)

    def __init__(self, doc: dict, on_change: Callable[[str, bool, str], None]) -> None:
        super().__init__(size_hint_y=None, height=BOX + 12, spacing=10, padding=[6, 6])
        self.doc, self.on_change = doc, on_change
        self.required = bool(doc["required"])
        paint(self, OPTIONAL)
        self.box = PaperBox(pos_hint={"center_y": 0.5})
        self.box.bind(on_release=lambda *_: self.toggle())
        self.name = name_button(doc["name"] + (" *" if self.required else ""))
        self.name.bind(on_release=lambda *_: self.toggle())
        self.word = Text("", size=SMALL, bold=True, grow=False, size_hint_x=None, width=96,
                         align="center")
        self.count = Field("", "1")
        self.count.size_hint_x, self.count.width, self.count.label.height = None, 60, 0
        self.count.height, self.count.pos_hint = 44, {"center_y": 0.5}
        self.count.input.bind(text=lambda _, text: self._changed(text))
        for widget in (self.box, self.name, self.word, self.count):
            self.add_widget(widget)
        self.bind(active=lambda *_: self._changed(self.count.value))
        self._show()

    def toggle(self) -> None:
        self.active = not self.active

    def _changed(self, count: str) -> None:
        self._show()
        self.on_change(self.doc["id"], self.active, count)

    def _show(self) -> None:
        self.box.show(self.active, self.required)
        key = "paper_have" if self.active else "paper_missing" if self.required \
            else "paper_optional"
        self.word.text = msg(key).vi
        self.word.color = rgba(LEVELS["ok"] if self.active else LEVELS["error"]
                               if self.required else MUTED)
        repaint(self, TICKED if self.active else MISSING if self.required else OPTIONAL)
        # Row height follows a long name (two or three lines) so nothing is clipped.
        self.name.texture_update()
        self.height = max(BOX + 12, self.name.texture_size[1] + 16)


def name_button(text: str) -> Button:
    button = Button(text=text, font_name=FONT, font_size=SMALL + 1, color=rgba(INK),
                    background_normal="", background_down="", background_color=(0, 0, 0, 0),
                    halign="left", valign="middle")
    button.bind(width=lambda b, w: setattr(b, "text_size", (w - 4, None)))
    return button


class IncompleteDialog(ModalView):
    """Required papers are not ticked: print Mẫu 02, or go back and tick. The form is kept."""

    def __init__(self, missing: list[str], on_supplement: Callable[[], None],
                 on_back: Callable[[], None], width: float) -> None:
        super().__init__(size_hint=(None, None), width=min(760, width - 80),
                         auto_dismiss=False, background="", background_color=(0, 0, 0, 0),
                         overlay_color=(0, 0, 0, 0.55))
        self.missing, self.on_back = missing, on_back
        panel = Panel(padding=22, spacing=10)
        panel.add_widget(Text(_two("incomplete_title"), size=HEADING, bold=True,
                              colour=LEVELS["error"]))
        panel.add_widget(Text(_two("incomplete_body", n=len(missing)), bold=True))
        for name in missing:
            panel.add_widget(Text(f"•  {name}", colour=LEVELS["error"]))
        panel.add_widget(Text(_two("incomplete_kept"), size=SMALL, colour=MUTED))
        panel.add_widget(self._buttons(on_supplement))
        self.add_widget(panel)
        panel.bind(minimum_height=lambda p, h: setattr(self, "height", h))

    def _buttons(self, on_supplement: Callable[[], None]) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=64, spacing=12)
        self.back_button = FlatButton(both("incomplete_back"), self.go_back, height=64,
                                      size=SMALL)
        self.supplement_button = FlatButton(both("incomplete_print"),
                                            lambda: self._then(on_supplement),
                                            colour=LEVELS["warning"], height=64, size=SMALL)
        row.add_widget(self.back_button)
        row.add_widget(self.supplement_button)
        return row

    def go_back(self) -> None:
        self._then(self.on_back)

    def _then(self, action: Callable[[], None]) -> None:
        self.dismiss(animation=False)
        action()

    def on_touch_down(self, touch) -> bool:
        # A tap outside the card means "not now": back to the form, nothing printed.
        if not self.children[0].collide_point(*touch.pos):
            self.go_back()
            return True
        return super().on_touch_down(touch)


def _two(key: str, **values: object) -> str:
    text = msg(key, **values)
    return f"{text.vi}  /  {text.en}"
