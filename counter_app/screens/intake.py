"""The intake form: procedure search on the left, applicant and papers on the right.

The screen holds an `IntakeForm` and copies the clerk's input into it; completeness, the due
date, validation and what gets printed are the core's answers, shown as they come.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.togglebutton import ToggleButton

from backend.domain.calendar import short_time
from counter_app import formats
from counter_app.intake import APPLICANT_FIELDS, IncompleteFile, IntakeForm, Outcome
from counter_app.screens.papers import BOX, IncompleteDialog, PaperBox, PaperRow, name_button
from counter_app.screens.theme import FONT, HEADING, LEVELS, MUTED, PANEL, PRIMARY, SMALL
from counter_app.screens.widgets import (
    CounterScreen,
    Field,
    FlatButton,
    Panel,
    Text,
    rule,
    scroller,
)
from counter_app.strings import msg, pair, tr
from counter_app.texts import as_msg

ARRIVALS = {"in_person": tr("arrival_in_person"), "post": tr("arrival_post")}
LABELS = {"name": tr("field_name"), "id_number": tr("field_id_number"),
          "phone": tr("field_phone"), "address": tr("field_address")}


def column(spacing: int = 6) -> BoxLayout:
    box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=spacing)
    box.bind(minimum_height=box.setter("height"))
    return box


def scrolled(content):
    view = scroller()
    view.add_widget(content)
    return view


class IntakeScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "intake")
        self.form: IntakeForm = self.station.intake.new_form()
        page = BoxLayout(padding=12, spacing=12)
        page.add_widget(self._search_panel())
        page.add_widget(self._form_panel())
        self.add_widget(page)

    # -- left: the procedure -----------------------------------------------------------------
    def _search_panel(self) -> Panel:
        panel = Panel(size_hint_x=0.36)
        panel.add_widget(Text(tr("procedure_title"), size=HEADING, bold=True))
        self.query = Field(tr("procedure_search_hint"), wrap=True)
        self.query.input.bind(on_text_validate=lambda *_: self.search())
        panel.add_widget(self.query)
        panel.add_widget(FlatButton(pair("search"), self.search))
        self.results = column(4)
        panel.add_widget(scrolled(self.results))
        return panel

    def search(self) -> None:
        found = self.app.act(self.station.intake.search, self.query.value)
        self.results.clear_widgets()
        for proc in (found or [])[:12]:
            self.results.add_widget(FlatButton(
                f"{proc['code']} · {proc['name']}", lambda c=proc["code"]: self.choose(c),
                colour=PANEL, ink=PRIMARY, size=SMALL, height=52))

    def choose(self, code: str) -> None:
        self.form = self.station.intake.new_form()
        if self.app.act(self.station.intake.choose, self.form, code) is None:
            return
        self._show_procedure()

    # -- right: applicant, papers, channel ---------------------------------------------------
    def _form_panel(self) -> Panel:
        panel = Panel(size_hint_x=0.64)
        body = column(8)
        self.title = Text(tr("no_procedure"), size=HEADING, bold=True)
        self.facts = Text("", colour=MUTED, size=SMALL)
        body.add_widget(self.title)
        body.add_widget(self.facts)
        body.add_widget(Text(tr("applicant_title"), bold=True))
        grid = GridLayout(cols=2, spacing=8, size_hint_y=None)
        grid.bind(minimum_height=grid.setter("height"))
        self.fields = {name: Field(LABELS[name]) for name in APPLICANT_FIELDS}
        for field in self.fields.values():
            grid.add_widget(field)
        body.add_widget(grid)
        body.add_widget(self._consent_row())
        body.add_widget(Text(tr("papers_title"), bold=True))
        self.documents = column(4)
        body.add_widget(self.documents)
        body.add_widget(self._arrival_row())
        body.add_widget(self._channel_row())
        panel.add_widget(scrolled(body))
        panel.add_widget(rule())
        panel.add_widget(self._buttons())
        return panel

    def _consent_row(self) -> BoxLayout:
        """Asked aloud, ticked only on a yes: the citizen's consent to SMS notices."""
        row = BoxLayout(size_hint_y=None, height=BOX + 4, spacing=10)
        self.consent = PaperBox(pos_hint={"center_y": 0.5})
        self.consent.bind(on_release=lambda *_: self._toggle_consent())
        self.consent_label = label = name_button(pair("sms_consent"))
        label.bind(on_release=lambda *_: self._toggle_consent())
        # Both languages take two or three lines on a narrow window: the row grows with them.
        label.bind(texture_size=lambda _, size: setattr(row, "height", max(BOX + 4,
                                                                           size[1] + 8)))
        row.add_widget(self.consent)
        row.add_widget(label)
        self.consent.show(False, False)
        return row

    def _toggle_consent(self) -> None:
        self.form.notify_sms = not self.form.notify_sms
        self.consent.show(self.form.notify_sms, False)

    def _arrival_row(self) -> BoxLayout:
        """How the file came: handed in at the desk (the default) or by post."""
        row = BoxLayout(size_hint_y=None, height=36, spacing=6)
        row.add_widget(Text(tr("arrival"), grow=False, size_hint_x=None, width=130))
        self.arrivals = {}
        for name, label in ARRIVALS.items():
            button = ToggleButton(text=label, group="arrival", font_name=FONT, font_size=SMALL,
                                  state="down" if name == self.form.channel else "normal",
                                  allow_no_selection=False)
            button.bind(on_release=lambda _, n=name: setattr(self.form, "channel", n))
            self.arrivals[name] = button
            row.add_widget(button)
        return row

    def _channel_row(self) -> BoxLayout:
        self.channels = BoxLayout(size_hint_y=None, height=36, spacing=6)
        return self.channels

    def _buttons(self) -> BoxLayout:
        box = BoxLayout(orientation="vertical", size_hint_y=None, height=160, spacing=6)
        # The appointment stays in sight however long the list of papers is.
        self.due = Text("", size=HEADING, bold=True, colour=LEVELS["ok"], grow=False,
                        size_hint_y=None, height=32)
        box.add_widget(self.due)
        row = BoxLayout(size_hint_y=None, height=48, spacing=8)
        row.add_widget(FlatButton(tr("receive_and_print"), self.confirm, height=48,
                                  colour=LEVELS["ok"], size_hint_x=0.55))
        row.add_widget(FlatButton(tr("print_supplement"), self.supplement, height=48,
                                  colour=LEVELS["warning"], size_hint_x=0.45))
        refuse = BoxLayout(size_hint_y=None, height=64, spacing=8)
        self.reason = Field(tr("refusal_reason"))
        refuse.add_widget(self.reason)
        refuse.add_widget(FlatButton(tr("refuse"), self.refuse, colour=LEVELS["error"],
                                     size_hint_x=0.3, height=40))
        box.add_widget(row)
        box.add_widget(refuse)
        return box

    def _show_procedure(self) -> None:
        proc = self.form.procedure
        self.title.text = f"{proc['code']} · {proc['name']}"
        self.facts.text = tr("procedure_facts", time=formats.duration(proc["processing_time"]),
                             fee=formats.fee_text(proc["fee"]), field=proc["field"]["name"])
        self._show_documents(proc)
        self._show_channels(proc)
        for name, button in self.arrivals.items():
            button.state = "down" if name == self.form.channel else "normal"
        due = self.station.intake.due_preview(self.form)
        self.due.text = tr("due_line", due=short_time(due.isoformat()))

    def _show_documents(self, proc: dict) -> None:
        self.documents.clear_widgets()
        self.rows = {}
        for doc in proc["documents"]:
            self.rows[doc["id"]] = PaperRow(doc, self._paper)
            self.documents.add_widget(self.rows[doc["id"]])

    def _paper(self, doc_id: str, ticked: bool, count: str) -> None:
        self.station.intake.tick(self.form, doc_id, max(_number(count), 1) if ticked else 0)

    def _show_channels(self, proc: dict) -> None:
        self.channels.clear_widgets()
        self.channels.add_widget(Text(tr("result_by"), grow=False, size_hint_x=None,
                                      width=130))
        for name in proc["result_channels"]:
            button = ToggleButton(text=formats.channel(name), group="channel", font_name=FONT,
                                  font_size=SMALL, state="down" if name ==
                                  self.form.return_channel else "normal")
            button.bind(on_release=lambda _, n=name: setattr(self.form, "return_channel", n))
            self.channels.add_widget(button)

    # -- the three outcomes ------------------------------------------------------------------
    def _read(self) -> None:
        for name, field in self.fields.items():
            self.form.applicant[name] = field.value
        problems = self.station.intake.problems(self.form)
        bad = {p.field for p in problems}
        for name, field in self.fields.items():
            field.mark(name in bad)

    def confirm(self) -> None:
        self._read()
        try:
            outcome = self.station.intake.confirm(self.form)
        except IncompleteFile as incomplete:
            self.ask(incomplete.missing)
            return
        except Exception as error:  # shown in both languages, like every other action
            self.app.say(as_msg(error))
            return
        self._done(outcome)

    def ask(self, missing: list[str]) -> None:
        """Required papers unticked: print Mẫu 02 or go back; everything typed stays."""
        self.dialog = IncompleteDialog(missing, lambda: self._supplement(missing),
                                       self._back, Window.width)
        self.dialog.open()

    def _back(self) -> None:
        self.app.say(msg("incomplete_back_said", "warning"))

    def _supplement(self, missing: list[str]) -> None:
        self._done(self.app.act(self.station.intake.supplement, self.form, missing),
                   keep=True)

    def supplement(self) -> None:
        self._read()
        missing = self.app.act(self.station.intake.missing, self.form)
        if missing is not None:
            self._done(self.app.act(self.station.intake.supplement, self.form, missing),
                       keep=True)

    def refuse(self) -> None:
        self._read()
        self._done(self.app.act(self.station.intake.refuse, self.form, self.reason.value))

    def _done(self, outcome: Outcome | None, keep: bool = False) -> None:
        """Show the paper printed; the form is cleared for the next citizen unless `keep`
        (after Mẫu 02 the citizen may be back with the missing paper in a minute)."""
        if outcome is None:
            return
        self.app.say(outcome.msg)
        self.app.screens.get_screen("receipt").show_job(outcome.job.id)
        if not keep:
            self.clear()
        self.app.go("receipt")

    def clear(self) -> None:
        self.form = self.station.intake.new_form()
        for field in (*self.fields.values(), self.reason):
            field.value = ""
        self.documents.clear_widgets()
        self.channels.clear_widgets()
        self.consent.show(False, False)
        self.title.text, self.facts.text, self.due.text = tr("no_procedure"), "", ""


def _number(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else 1

