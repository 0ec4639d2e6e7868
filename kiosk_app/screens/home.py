"""Home: "scan your receipt", a picture of where the code is, and the three other journeys."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk_app.screens.base import KioskScreen
from kiosk_app.screens.pictures import ReceiptPicture
from kiosk_app.screens.theme import KIND_COLOURS
from kiosk_app.screens.widgets import Column, Text


class HomeScreen(KioskScreen):
    screen_name = "home"

    def layout_key(self, state):
        return state.ticket_available, state.ticket_reason

    def build(self, state) -> Widget:
        picture = ReceiptPicture(lang=self.lang)
        if self.sz.portrait:
            page = self.page()
            page.add_widget(self._heading())
            page.add_widget(picture)
            page.add_widget(self._buttons(state))
            return page
        page = self.page(horizontal=True)
        page.add_widget(picture)
        side = BoxLayout(orientation="vertical", spacing=self.sz.gap)
        side.add_widget(self._heading())
        side.add_widget(Widget())
        side.add_widget(self._buttons(state))
        page.add_widget(side)
        return page

    def _heading(self) -> Column:
        column = Column(spacing=self.sz.gap // 2)
        column.add_widget(Text(self.t("home_title"), size=self.sz.title, bold=True,
                               align="center"))
        column.add_widget(Text(self.t("home_sub"), size=self.sz.body, align="center",
                               colour="#37474F"))
        return column

    def _buttons(self, state) -> Column:
        column = Column(spacing=self.sz.gap)
        column.add_widget(self.button("▶  " + self.t("btn_scan"), self.core.open_scan))
        grid = GridLayout(cols=2, spacing=self.sz.gap, size_hint_y=None,
                          height=self.sz.button_h)
        grid.add_widget(self.button(self.t("btn_type"), self.core.open_typing, primary=False))
        grid.add_widget(self.button(self.t("btn_procedures"), self.core.procedures.open,
                                    primary=False))
        column.add_widget(grid)
        if state.ticket_available:
            column.add_widget(self.button(self.t("btn_ticket"), self.core.queue.open,
                                          fill="#2E7D32"))
        elif state.ticket_reason is not None and self.core.hardware.printer is not None:
            column.add_widget(Text(self.t("ticket_unavailable", reason=state.ticket_reason),
                                   size=self.sz.small, colour=KIND_COLOURS["warn"],
                                   align="center"))
        return column
