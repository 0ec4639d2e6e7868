"""Queue tickets: choose a service, then "your number" while the paper comes out."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from kiosk_app.core import PRIORITIES
from kiosk_app.screens.base import KioskScreen
from kiosk_app.screens.theme import KIND_COLOURS, MUTED
from kiosk_app.screens.widgets import BigButton, Panel, Text, scroller
from kiosk_app.strings import msg

PRIORITY_FILL = "#6A1B9A"  # not the services' green: a choice about the person, not the errand


class QueueScreen(KioskScreen):
    screen_name = "queue"

    def layout_key(self, state):
        return state.services, state.priority, state.ticket_available, state.ticket_reason

    def build(self, state) -> Widget:
        page = self.page()
        page.add_widget(self.title(self.t("queue_title")))
        if not state.ticket_available and state.ticket_reason:  # e.g. the lunch break began
            page.add_widget(Text(self.t("ticket_unavailable", reason=state.ticket_reason),
                                 size=self.sz.body, bold=True, colour=KIND_COLOURS["warn"]))
        page.add_widget(self._priorities(state.priority))
        page.add_widget(self.subtitle(self.t("queue_choose")))
        # Landscape has the width for two columns: every service visible without scrolling.
        grid = GridLayout(cols=1 if self.sz.portrait else 2, spacing=self.sz.gap,
                          size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        for service in state.services:
            grid.add_widget(self._service(service))
        page.add_widget(scroller(grid))
        page.add_widget(self.back_button())
        return page

    def _priorities(self, chosen: str | None) -> Panel:
        """Who may be called first, chosen before the service; the choice shows as filled."""
        panel = Panel(padding=self.sz.pad // 2, spacing=self.sz.gap // 2)
        panel.add_widget(Text(self.t("queue_priority"), size=self.sz.body, bold=True))
        cols = 2 if self.sz.portrait else 4
        choices = (None, *PRIORITIES)
        grid = GridLayout(cols=cols, spacing=self.sz.gap // 2, size_hint_y=None,
                          height=self.sz.key_h * (len(choices) // cols)
                          + self.sz.gap // 2 * (len(choices) // cols - 1))
        for reason in choices:
            words = self.t(f"prio_{reason or 'none'}")
            action = lambda r=reason: self.core.choose_priority(r)  # noqa: E731
            if reason == chosen:
                button = self.button("✓ " + words, action, fill=PRIORITY_FILL)
            else:
                button = self.button(words, action, primary=False)
            button.height = self.sz.key_h
            grid.add_widget(button)
        panel.add_widget(grid)
        return panel

    def _service(self, service) -> BoxLayout:
        height = int(self.sz.button_h * 1.5)
        line = BoxLayout(spacing=self.sz.gap, size_hint_y=None, height=height)
        take = lambda letter=service.letter: self.core.queue.take(letter)  # noqa: E731
        line.add_widget(BigButton(service.letter, take, fill="#2E7D32", size=self.sz.title * 2,
                                  height=height, size_hint_x=None, width=height))
        words = "\n".join((service.name, self.t("queue_waiting", n=service.waiting) + "   ·   "
                           + self.t("queue_counters", counters=service.counters)))
        button = self.button(words, take, primary=False)
        button.height, button.halign, button.bold = height, "left", False
        line.add_widget(button)
        return line


class TicketScreen(KioskScreen):
    screen_name = "ticket"
    shows = "ticket"

    def build(self, state) -> Widget:
        page = self.page()
        ticket = state.ticket
        panel = Panel(padding=self.sz.pad * 2, spacing=self.sz.gap)
        panel.add_widget(Text(self.t("ticket_yours"), size=self.sz.heading, align="center",
                              colour=MUTED))
        panel.add_widget(Text(ticket.label, size=self.sz.title * 3, bold=True, align="center",
                              colour="#2E7D32"))
        ahead = self.t("ticket_ahead", n=ticket.ahead) if ticket.ahead else self.t("ticket_next")
        if state.priority:
            panel.add_widget(Text(self.t("ticket_priority",
                                         reason=msg(f"prio_{state.priority}")),
                                  size=self.sz.heading, bold=True, align="center",
                                  colour=PRIORITY_FILL))
        for line in (ticket.service, ahead,
                     self.t("queue_counters", counters=ticket.counters)):
            panel.add_widget(Text(line, size=self.sz.heading, align="center"))
        note = "ticket_take" if ticket.confirmed else "ticket_unconfirmed"
        panel.add_widget(Text(self.t(note), size=self.sz.body, align="center", bold=True,
                              colour=KIND_COLOURS["ok" if ticket.confirmed else "warn"]))
        page.add_widget(panel)
        page.add_widget(Widget())
        page.add_widget(self.button(self.t("done"), self.core.go_home))
        return page
