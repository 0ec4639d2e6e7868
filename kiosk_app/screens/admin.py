"""The technician's screens: PIN pad, then device information, self-test, test print, restart."""

from __future__ import annotations

from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk_app.screens.base import KioskScreen
from kiosk_app.screens.theme import KIND_COLOURS, MUTED
from kiosk_app.screens.widgets import Column, Keypad, Panel, Text, message_text, scroller
from kiosk_app.strings import Msg

PIN_KEYS = [[("1", "1"), ("2", "2"), ("3", "3")], [("4", "4"), ("5", "5"), ("6", "6")],
            [("7", "7"), ("8", "8"), ("9", "9")], [("back", "⌫"), ("0", "0"), ("ok", "OK")]]
RESULT_COLOURS = {"test_pass": "ok", "test_fail": "error", "test_skip": "info"}


class PinScreen(KioskScreen):
    screen_name = "pin"

    def build(self, state) -> Widget:
        self.dots = Text("", size=self.sz.title, bold=True, align="center")
        self.message = Text("", size=self.sz.body, align="center")
        keys = Keypad(PIN_KEYS, self.core.admin.press, key_h=self.sz.key_h, size=self.sz.title)
        words = (self.title(self.t("pin_title")), self.dots, self.message)
        if self.sz.portrait:
            return self.stack(*words, Widget(), keys, self.back_button())
        return self.side_by_side(self.stack(*words, Widget(), self.back_button(), padding=0),
                                 self.stack(keys, Widget(), padding=0))

    def update(self, state) -> None:
        self.dots.text = "●  " * state.pin_length + "○  " * max(0, 4 - state.pin_length)
        self.message.text = self.m(state.pin_message)
        self.message.color = message_text(state.pin_message, self.lang, 10).color


class AdminScreen(KioskScreen):
    screen_name = "admin"
    shows = "admin"

    def build(self, state) -> Widget:
        page = self.page()
        admin = state.admin
        page.add_widget(self.title(self.t("admin_title")))
        column = Column(spacing=self.sz.gap)
        if admin.busy:
            column.add_widget(Text(self.m(admin.busy), size=self.sz.heading, bold=True,
                                   colour=KIND_COLOURS["info"]))
        if admin.tests:  # the answer to the button just pressed comes first
            column.add_widget(self._tests(admin.tests))
        column.add_widget(self.facts([(k, Msg(v, v)) for k, v in admin.info]))
        page.add_widget(scroller(column))
        page.add_widget(self._actions())
        return page


    def _tests(self, tests) -> Panel:
        panel = Panel(padding=self.sz.pad, spacing=8)
        panel.add_widget(Text(self.t("admin_selftest"), size=self.sz.heading, bold=True))
        for name, result, detail in tests:
            colour = KIND_COLOURS[RESULT_COLOURS[result]]
            panel.add_widget(Text(f"{self.m(name)}: {self.t(result)}", size=self.sz.body,
                                  bold=True, colour=colour))
            if detail:
                panel.add_widget(Text(detail, size=self.sz.small, colour=MUTED))
        return panel

    def _actions(self) -> GridLayout:
        grid = GridLayout(cols=2, spacing=self.sz.gap, size_hint_y=None,
                          height=self.sz.button_h * 2 + self.sz.gap)
        admin = self.core.admin
        grid.add_widget(self.button(self.t("admin_selftest"), admin.self_test))
        grid.add_widget(self.button(self.t("admin_print_test"), admin.print_test))
        grid.add_widget(self.button(self.t("admin_restart"), admin.restart, fill="#C62828"))
        grid.add_widget(self.button(self.t("admin_close"), self.core.go_home, primary=False))
        return grid
