"""Scanning (camera picture with a guide frame), typing a code, and the case status."""

from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk_app.entry import TEMPLATE
from kiosk_app.screens.base import KioskScreen
from kiosk_app.screens.camera_view import CameraView
from kiosk_app.screens.pictures import Face
from kiosk_app.screens.theme import FONT, KIND_COLOURS, LINE, MUTED, PANEL, rgba
from kiosk_app.screens.widgets import (
    BigButton,
    Column,
    Filled,
    Keypad,
    Panel,
    Text,
    esc,
    scroller,
)

DIGIT_KEYS = [[("1", "1"), ("2", "2"), ("3", "3")], [("4", "4"), ("5", "5"), ("6", "6")],
              [("7", "7"), ("8", "8"), ("9", "9")], [(".", "."), ("0", "0"), ("-", "-")]]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def letter_rows(per_row: int = 7) -> list[list[tuple[str, str]]]:
    return [[(c, c) for c in LETTERS[i:i + per_row]] for i in range(0, len(LETTERS), per_row)]


class ScanScreen(KioskScreen):
    screen_name = "scan"

    def build(self, state) -> Widget:
        self.camera = CameraView(self.core.hardware)
        text = Column(spacing=self.sz.gap)
        text.add_widget(self.title(self.t("scan_title")))
        hint = "scan_hint" if self.core.hardware.camera is not None else "no_camera"
        text.add_widget(self.subtitle(self.t(hint)))
        page = self.page(horizontal=not self.sz.portrait)
        if self.sz.portrait:
            page.add_widget(text)
            page.add_widget(self.camera)
            page.add_widget(self.back_button())
            return page
        page.add_widget(self.camera)
        side = BoxLayout(orientation="vertical", spacing=self.sz.gap, size_hint_x=0.42)
        side.add_widget(text)
        side.add_widget(Widget())
        side.add_widget(self.back_button())
        page.add_widget(side)
        return page

    def preview(self) -> bool:
        """Called every frame while this screen shows."""
        return self.camera.update() if hasattr(self, "camera") else False


class TypeScreen(KioskScreen):
    screen_name = "type"

    def layout_key(self, state):
        return state.entry.page

    def build(self, state) -> Widget:
        self.display = Text("", size=self.sz.title, bold=True, align="center", markup=True)
        self.display.bind(width=self._fit_code)
        self.check = Text("", size=self.sz.body, align="center")
        self.lookup = self.button(self.t("btn_lookup"), self.core.submit_code)
        box = Panel(padding=self.sz.pad)
        box.add_widget(self.display)
        left = Column(spacing=self.sz.gap)
        for widget in (self.title(self.t("type_title")), self.subtitle(self.t("type_hint")),
                       box, self.check):
            left.add_widget(widget)
        keys = self._keypad(state.entry.page)
        buttons = self.row(self.back_button(), self.lookup)
        if self.sz.portrait:
            return self.stack(left, Widget(), keys, buttons)
        return self.side_by_side(self.stack(left, Widget(), buttons, padding=0),
                                 self.stack(keys, Widget(), padding=0))

    def _fit_code(self, *_: object) -> None:
        """A full code on one line: the font shrinks until the widest code fits the box
        (a code wrapped mid-number reads as two numbers)."""
        widest = CoreLabel(text="0" * len(TEMPLATE), font_name=FONT, font_size=self.sz.title,
                           bold=True)
        widest.refresh()
        room = self.display.width - 8
        if room > 0:
            self.display.font_size = min(self.sz.title,
                                         int(self.sz.title * room / widest.texture.width))

    def _keypad(self, page: str) -> Keypad:
        if page == "letters":
            rows = [*letter_rows(), [("digits", self.t("key_digits"), 2), ("back", "⌫", 2)]]
        else:
            rows = [*DIGIT_KEYS, [("letters", self.t("key_letters")), ("back", "⌫"),
                                  ("clear", self.t("key_clear"))]]
        return Keypad(rows, self.core.press_key, key_h=self.sz.key_h, size=self.sz.title)

    def update(self, state) -> None:
        entry, check = state.entry, state.entry.check
        typed = esc(entry.text)
        if check and check.state == "invalid":  # the typed text turns red with its reason
            typed = f"[color={KIND_COLOURS['error']}]{typed}[/color]"
        self.display.text = f"{typed}[color=#9AA5AE]{esc(entry.rest)}[/color]"
        colour = {"ok": "ok", "invalid": "error"}.get(check.state if check else "", "info")
        self.check.text = self.m(state.notice or (check.message if check else None))
        self.check.color = rgba(KIND_COLOURS["error" if state.notice else colour])
        self.lookup.disabled = not (check and check.ok)
        self.lookup.opacity = 1 if self.lookup.disabled is False else 0.45


class RatingButton(ButtonBehavior, Filled, BoxLayout):
    """A face over its words; the whole card is the touch target."""

    def __init__(self, text: str, mood: int, colour: str, action, size: int) -> None:
        super().__init__(orientation="vertical", padding=16, spacing=8)
        self.action = action
        self.paint(PANEL, LINE)
        self.add_widget(Face(mood, colour, size_hint_y=None, height=size * 3))
        self.add_widget(Text(text, size=size, bold=True, align="center"))

    def on_release(self) -> None:
        self.action()


class StatusScreen(KioskScreen):
    screen_name = "status"
    shows = "case"

    def layout_key(self, state):
        return state.case, state.rating_offered, state.rating_done, state.read_aloud

    def build(self, state) -> Widget:
        case = state.case
        first = Column(spacing=self.sz.gap)
        first.add_widget(self._summary(case))
        if state.read_aloud:
            first.add_widget(self.button("♪  " + self.t("btn_read_aloud"), self.core.read_aloud,
                                         primary=False))
        if state.rating_offered or state.rating_done:  # asked up front, not below the fold
            title = self.sz.heading if self.sz.portrait else self.sz.body
            first.add_widget(rating_panel(self, state, self.t("rate_title"), title))
        details = Column(spacing=self.sz.gap)
        details.add_widget(self._rows(case))
        details.add_widget(self._history(case))
        buttons = self.row(
            self.button(self.t("btn_other_case"), self.core.open_another, primary=False),
            self.button(self.t("done"), self.core.go_home))
        if self.sz.portrait:
            first.add_widget(details)
            return self.stack(scroller(first), buttons)
        return self.side_by_side(self.stack(scroller(first), buttons, padding=0),
                                 scroller(details))

    def _summary(self, case) -> Panel:
        panel = Panel(padding=self.sz.pad)
        panel.add_widget(Text(self.t("status_code"), size=self.sz.small, colour=MUTED))
        panel.add_widget(Text(case.code, size=self.sz.heading, bold=True))
        pill = BigButton(self.m(case.label).upper(), lambda: None, fill=case.colour,
                         size=self.sz.title, height=int(self.sz.button_h * 1.1))
        panel.add_widget(pill)
        if case.late:
            panel.add_widget(BigButton("⚠ " + self.t("late"), lambda: None, fill="#C62828",
                                       size=self.sz.heading, height=self.sz.key_h - 20))
        return panel

    def _rows(self, case) -> Panel:
        return self.facts(case.rows)

    def _history(self, case) -> Panel:
        panel = Panel(padding=self.sz.pad, spacing=10)
        if not case.verified:
            panel.add_widget(Text("ℹ " + self.t("coarse_hint"), size=self.sz.body,
                                  colour=KIND_COLOURS["info"]))
            return panel
        panel.add_widget(Text(self.t("f_history"), size=self.sz.heading, bold=True))
        for event in case.timeline:
            line = f"[b]{esc(event.at)}[/b]   {esc(self.m(event.what))}"
            if event.unit:
                line += f"\n[color=#5F6B76]{esc(event.unit)}[/color]"
            panel.add_widget(Text("●  " + line, size=self.sz.small, markup=True))
        return panel


def rating_panel(screen: KioskScreen, state, title: str, title_size: int) -> Panel:
    """The three faces under a question, or the thanks once rated."""
    sz = screen.sz
    panel = Panel(padding=sz.pad)
    if state.rating_done:
        panel.add_widget(Text(screen.m(state.rating_done), size=sz.heading, bold=True,
                              align="center", colour=KIND_COLOURS["ok"]))
        return panel
    panel.add_widget(Text(title, size=title_size, bold=True, align="center"))
    # Room for the face and two lines of words ("Chưa hài lòng" wraps on narrow cards).
    choices = BoxLayout(spacing=sz.gap, size_hint_y=None, height=int(sz.body * 5.8) + 48)
    for key, mood, colour in (("very_satisfied", 1, "#2E7D32"), ("satisfied", 0, "#F9A825"),
                              ("unsatisfied", -1, "#C62828")):
        choices.add_widget(RatingButton(screen.t(key), mood, colour,
                                        lambda k=key: screen.core.rate(k), sz.body))
    panel.add_widget(choices)
    return panel


class RateScreen(KioskScreen):
    """A counter asked for the rating of the case it just handed back: no case data here,
    only the counter's number, since whoever stands at the kiosk may not be that citizen."""

    screen_name = "rate"
    shows = "rating_counter"

    def layout_key(self, state):
        return state.rating_counter, state.rating_offered, state.rating_done

    def build(self, state) -> Widget:
        title = self.t("rate_counter", n=state.rating_counter)
        hint = self.subtitle(self.t("rate_counter_hint") if state.rating_offered else "")
        done = self.row(self.button(self.t("done"), self.core.go_home, primary=False))
        return self.stack(rating_panel(self, state, title, self.sz.title), hint, Widget(), done)
