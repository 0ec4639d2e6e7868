"""The queue panel: who is being served here, who waits, the five calling buttons, and a
priority number for an elderly, disabled or pregnant citizen standing at the desk."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.spinner import Spinner
from kivy.uix.togglebutton import ToggleButton

from counter_app.queue_panel import CallResult, QueueView
from counter_app.screens.theme import (
    BODY,
    FONT,
    HEADING,
    INK,
    LEVELS,
    MUTED,
    PRIMARY,
    ROW,
    SMALL,
    rgba,
)
from counter_app.screens.widgets import CounterScreen, FlatButton, Panel, Text, rule
from counter_app.strings import PRIORITY_REASONS, TEXTS, both, msg, tr


class QueueScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "queue")
        page = BoxLayout(padding=12, spacing=12)
        page.add_widget(self._serving())
        side = BoxLayout(orientation="vertical", spacing=12, size_hint_x=0.45)
        side.add_widget(self._waiting())
        side.add_widget(self._priority())
        page.add_widget(side)
        self.add_widget(page)
        self.view: QueueView | None = None

    def _serving(self) -> Panel:
        panel = Panel(size_hint_x=0.55)
        panel.add_widget(Text(tr("serving_title"), size=HEADING, bold=True))
        self.ticket = Text("—", size=110, bold=True, colour=PRIMARY, align="center",
                           grow=False)
        self.detail = Text("", colour=MUTED, align="center")
        panel.add_widget(self.ticket)
        panel.add_widget(self.detail)
        buttons = BoxLayout(size_hint_y=None, height=64, spacing=8)
        for title, action, colour in ((tr("call_next"), self.queue_call("call_next"), PRIMARY),
                                      (tr("recall"), self.queue_call("recall"), "#455A64"),
                                      (tr("no_show"), self.queue_call("skip"), "#8D6E63"),
                                      ("Xong", self.queue_call("done"), LEVELS["ok"])):
            buttons.add_widget(FlatButton(title, action, colour=colour, height=64,
                                          size=HEADING))
        panel.add_widget(buttons)
        panel.add_widget(self._transfer_row())
        return panel

    def _transfer_row(self) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=ROW, spacing=8)
        row.add_widget(Text(tr("transfer_to"), grow=False, size_hint_x=0.3))
        self.target = Spinner(text=tr("transfer_choose"), values=[], font_name=FONT,
                              font_size=BODY, size_hint_x=0.45, background_normal="",
                              background_color=[0.9, 0.92, 0.94, 1], color=[0.1, 0.1, 0.1, 1])
        row.add_widget(self.target)
        row.add_widget(FlatButton(tr("transfer"), self.transfer, colour="#6A1B9A",
                                  size_hint_x=0.25))
        return row

    def _waiting(self) -> Panel:
        panel = Panel()
        panel.add_widget(Text(tr("waiting_title"), size=HEADING, bold=True))
        self.services = BoxLayout(orientation="vertical", size_hint_y=None, spacing=4)
        self.services.bind(minimum_height=self.services.setter("height"))
        panel.add_widget(self.services)
        panel.add_widget(rule())
        panel.add_widget(Text(tr("latest_title"), bold=True))
        self.calls = Text("", colour=MUTED)
        panel.add_widget(self.calls)
        panel.add_widget(BoxLayout())  # pushes the lists up
        return panel

    def _priority(self) -> Panel:
        panel = Panel(size_hint_y=None, spacing=8)
        panel.bind(minimum_height=panel.setter("height"))  # the hint wraps on narrow screens
        panel.add_widget(Text(tr("priority_title"), bold=True))
        panel.add_widget(Text(tr("priority_hint"), size=SMALL, colour=MUTED))
        groups = BoxLayout(size_hint_y=None, height=56, spacing=6)
        self.groups = {}
        for reason in PRIORITY_REASONS:
            button = ToggleButton(text=both(f"priority_{reason}"), group="priority",
                                  font_name=FONT, font_size=SMALL - 1, halign="center",
                                  background_normal="", background_down="",
                                  allow_no_selection=True)
            button.bind(state=self._show_group, size=_wrap)
            self.groups[reason] = button
            groups.add_widget(button)
        self._show_group()
        panel.add_widget(groups)
        self.service = Spinner(text="", values=[], font_name=FONT, font_size=SMALL,
                               size_hint_y=None, height=ROW, background_normal="",
                               background_color=[0.9, 0.92, 0.94, 1], color=[0.1, 0.1, 0.1, 1])
        panel.add_widget(self.service)
        buttons = BoxLayout(size_hint_y=None, height=56, spacing=6)
        self.print_priority = FlatButton(both("priority_print"), self.priority("priority_ticket"),
                                         colour=PRIMARY, height=56, size=SMALL)
        self.serve_priority = FlatButton(both("priority_serve"), self.priority("serve_priority"),
                                         colour=LEVELS["ok"], height=56, size=SMALL)
        buttons.add_widget(self.print_priority)
        buttons.add_widget(self.serve_priority)
        panel.add_widget(buttons)
        return panel

    def _show_group(self, *_: object) -> None:
        for button in self.groups.values():
            chosen = button.state == "down"
            button.background_color = rgba(PRIORITY_COLOUR if chosen else "#ECEFF1")
            button.color = rgba("#FFFFFF" if chosen else INK)
            button.bold = chosen

    # -- actions ---------------------------------------------------------------------------
    def priority(self, what: str):
        """The chosen group and service, to the core; the group is cleared once done."""
        def run() -> None:
            reason = next((r for r, b in self.groups.items() if b.state == "down"), "")
            letter = self.service.text[:1]
            result = self.app.act(getattr(self.station.queue, what), letter, reason)
            if result is not None:
                self.app.say(result.device_problems[0] if result.device_problems
                             else result.msg)
                for button in self.groups.values():
                    button.state = "normal"
                self.refresh(keep_message=True)
        return run

    def queue_call(self, what: str):
        def run() -> None:
            result: CallResult | None = self.app.act(getattr(self.station.queue, what))
            if result is not None:
                self.app.say(result.device_problems[0] if result.device_problems
                             else result.msg)
                self.refresh(keep_message=True)
        return run

    def transfer(self) -> None:
        target = self._targets().get(self.target.text)
        if target is None:
            self.app.say(msg("transfer_choose_first", "warning"))
            return
        result = self.app.act(self.station.queue.transfer, **target)
        if result is not None:
            self.app.say(result.msg)
            self.refresh(keep_message=True)

    # -- showing ---------------------------------------------------------------------------
    def refresh(self, keep_message: bool = False) -> None:
        view = self.app.act(self.station.queue.view)
        if view is None:
            return
        self.view = view
        self.ticket.text = (view.current or {}).get("label", "—")
        self.detail.text = _detail(view)
        self._show_services(view)
        self.calls.text = "\n".join(tr("call_line", label=c["label"], n=c["counter"])
                                    for c in view.latest) or tr("no_calls")
        self.target.values = list(self._targets())
        self.service.values = [f"{s['letter']} · {s['name']}" for s in view.services]
        if self.service.text not in self.service.values:
            self.service.text = self.service.values[0] if self.service.values else ""

    def _show_services(self, view: QueueView) -> None:
        self.services.clear_widgets()
        for service in view.services:
            row = BoxLayout(size_hint_y=None, height=36)
            row.add_widget(Text(service["letter"], size=HEADING, bold=True, colour=PRIMARY,
                                grow=False, size_hint_x=0.1))
            row.add_widget(Text(service["name"], grow=False, size_hint_x=0.65, size=SMALL))
            row.add_widget(Text(tr("people", n=service["waiting"]), bold=True, grow=False,
                                size_hint_x=0.25, align="right"))
            self.services.add_widget(row)

    def _targets(self) -> dict[str, dict]:
        """What the transfer list shows, and where each choice sends the ticket."""
        here = self.station.config.counter
        return {**{tr("display_counter", n=n): {"to_counter": n}
                   for n in self.view.counters if n != here},
                **{tr("target_service", letter=letter): {"to_service": letter}
                   for letter in self.view.letters}}


PRIORITY_COLOUR = "#6A1B9A"  # the priority group chosen: unlike any calling button


def _wrap(button, size) -> None:
    button.text_size = (size[0] - 4, None)


def _detail(view: QueueView) -> str:
    if not view.current:
        return tr("idle_detail", n=view.counter, waiting=view.waiting)
    reason = view.current.get("priority_reason")
    group = tr(f"group_{reason}") if f"group_{reason}" in TEXTS else reason
    priority = tr("priority_prefix", group=group) if reason else ""
    return tr("serving_detail", priority=priority, n=view.counter, waiting=view.waiting)
