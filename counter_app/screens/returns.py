"""Handing back a result: scan the receipt, check the case, record the return, rate.

A USB scanner is a keyboard ("wedge"): it types the code and Enter into whatever has the focus.
So the scan field takes the focus whenever this tab is shown and again after every action here,
or a scan would type into nothing and be lost.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from backend.domain.calendar import short_time
from backend.domain.vocabulary import sent
from counter_app import formats
from counter_app.returns import RATINGS, ReturnDesk, ReturnView
from counter_app.screens.theme import HEADING, LEVELS, MUTED, PRIMARY
from counter_app.screens.widgets import CounterScreen, Field, FlatButton, MsgText, Panel, Text
from counter_app.strings import tr


class ReturnScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "returns")
        self.view: ReturnView | None = None
        page = BoxLayout(orientation="vertical", padding=12, spacing=12)
        page.add_widget(self._scan_row())
        page.add_widget(self._case_panel())
        self.add_widget(page)

    def _scan_row(self) -> Panel:
        panel = Panel(size_hint_y=None, height=110, orientation="horizontal")
        self.scan_field = Field(tr("scan_hint"))
        # Enter must not take the focus away: the next citizen's scan comes the same way.
        self.scan_field.input.text_validate_unfocus = False
        self.scan_field.input.bind(on_text_validate=lambda *_: self.scan())
        panel.add_widget(self.scan_field)
        panel.add_widget(FlatButton(tr("find_case"), self.scan, size_hint_x=0.2, height=64))
        return panel

    def _case_panel(self) -> Panel:
        panel = Panel()
        self.code = Text("", size=HEADING, bold=True, colour=PRIMARY)
        self.details = Text("", colour=MUTED)
        self.state = MsgText()
        self.hand_over_button = FlatButton(tr("hand_over"), self.hand_over,
                                           colour=LEVELS["ok"], height=56, size=HEADING)
        self.rating = BoxLayout(size_hint_y=None, height=56, spacing=8, opacity=0)
        for key, colour in zip(RATINGS, (LEVELS["ok"], PRIMARY, LEVELS["warning"]),
                               strict=True):
            vi, en = RATINGS[key]
            self.rating.add_widget(FlatButton(f"{vi}\n{en}", lambda k=key: self.rate(k),
                                              colour=colour, height=56))
        self.ask = Text(tr("ask_rating"), bold=True)
        for widget in (self.code, self.details, self.state, self.hand_over_button, self.ask,
                       self.rating, BoxLayout()):
            panel.add_widget(widget)
        self._show(None)
        return panel

    def refresh(self) -> None:
        self.ready_for_scan()

    def ready_for_scan(self) -> None:
        """Focus the scan field once this frame is laid out (a hidden input takes none)."""
        def focus(_dt: float) -> None:
            if self.manager is not None and self.manager.current == self.name:
                self.scan_field.input.focus = True
        Clock.schedule_once(focus, 0)

    # -- actions -----------------------------------------------------------------------------
    def scan(self, text: str | None = None) -> None:
        view = self.app.act(self.station.returns.scan, text or self.scan_field.value)
        self.scan_field.value = ""
        self.ready_for_scan()
        if view is not None:
            self.app.say(view.msg)
            self._show(view)

    def hand_over(self) -> None:
        if self.view is None:
            return
        msg = self.app.act(self.station.returns.hand_over, self.view.code)
        if msg is not None:
            self.app.say(msg)
            self._show(ReturnDesk.handed_over(self.view, msg))
            self._offer_rating(True)
        self.ready_for_scan()

    def rate(self, key: str) -> None:
        msg = self.app.act(self.station.returns.rate, self.view.code, key)
        if msg is not None:
            self.app.say(msg)
            self._offer_rating(False)
        self.ready_for_scan()

    # -- showing -----------------------------------------------------------------------------
    def _show(self, view: ReturnView | None) -> None:
        self.view = view
        self.code.text = tr("case_code", code=view.code) if view else tr("no_scan")
        self.details.text = _details(view.case) if view and view.case else ""
        self.state.show(view.msg if view else None)
        self.hand_over_button.disabled = not (view and view.can_return)
        self._offer_rating(False)

    def _offer_rating(self, on: bool) -> None:
        """The question and its buttons only once the result is in the citizen's hands."""
        self.ask.opacity = self.rating.opacity = 1 if on else 0
        self.rating.disabled = not on


def _details(case: dict) -> str:
    return tr("return_details", name=case["applicant"]["name"],
              procedure=case["procedure"]["name"],
              status=sent(case, "status_label", "status", case["status"]).vi,
              received=short_time(case["received_at"]),
              due=short_time(case["new_due_at"] or case["due_at"]),
              channel=formats.channel(case["return_channel"]))
