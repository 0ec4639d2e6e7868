"""The paper as printed, the printer's state, and what to do when a job did not come out."""

from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from counter_app.printing import PrintJob
from counter_app.screens.theme import HEADING, LEVELS, MUTED, PANEL, PRIMARY, SMALL
from counter_app.screens.widgets import (
    CounterScreen,
    Field,
    FlatButton,
    MsgText,
    Panel,
    Text,
    paint,
    rule,
    scroller,
)
from counter_app.strings import msg, tr
from counter_app.texts import Msg

STATUS = {
    "printed": msg("job_printed", "ok"),
    "unverified": msg("job_unverified", "warning"),
    "failed": msg("job_failed", "error"),
    "pending": msg("job_pending", "info"),
}


def texture_of(image):
    data = io.BytesIO()
    image.convert("RGB").save(data, format="png")
    data.seek(0)
    return CoreImage(data, ext="png").texture


class ReceiptScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "receipt")
        self.job_id: int | None = None
        page = BoxLayout(padding=12, spacing=12)
        page.add_widget(self._paper())
        page.add_widget(self._side())
        self.add_widget(page)

    def _paper(self) -> Panel:
        panel = Panel(size_hint_x=0.42, colour="#B0BEC5")
        self.image = Image(size_hint=(1, None), fit_mode="contain")
        paint(self.image, "#FFFFFF")
        view = scroller()
        view.add_widget(self.image)
        panel.add_widget(view)
        return panel

    def _side(self) -> Panel:
        panel = Panel(size_hint_x=0.58)
        self.title = Text(tr("no_jobs"), size=HEADING, bold=True)
        self.code = Text("", colour=PRIMARY, bold=True)
        self.status = MsgText()
        self.reason = MsgText()
        self.printer = MsgText()
        buttons = BoxLayout(size_hint_y=None, height=48, spacing=8)
        for title, action, colour in ((tr("reprint"), self.reprint, PRIMARY),
                                      (tr("retry"), self.retry, LEVELS["warning"]),
                                      (tr("paper_out_confirmed"), self.confirm, "#455A64")):
            buttons.add_widget(FlatButton(title, action, colour=colour, height=48))
        for widget in (self.title, self.code, self.status, self.reason,
                       Text(tr("printer_title"), bold=True), self.printer, buttons, rule()):
            panel.add_widget(widget)
        panel.add_widget(self._by_code())
        panel.add_widget(Text(tr("recent_jobs"), bold=True))
        self.recent = BoxLayout(orientation="vertical", spacing=4)
        panel.add_widget(self.recent)
        return panel

    def _by_code(self) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=64, spacing=8)
        self.code_field = Field(tr("reprint_by_code"))
        row.add_widget(self.code_field)
        row.add_widget(FlatButton(tr("reprint"), self.reprint_code, size_hint_x=0.25,
                                  colour=PRIMARY))
        return row

    # -- actions -----------------------------------------------------------------------------
    def show_job(self, job_id: int) -> None:
        self.job_id = job_id

    def reprint(self) -> None:
        if self.job_id is not None:
            self._after(self.app.act(self.station.printing.reprint, self.job_id))

    def retry(self) -> None:
        if self.job_id is not None:
            self._after(self.app.act(self.station.printing.retry, self.job_id))

    def confirm(self) -> None:
        if self.job_id is not None:
            self._after(self.app.act(self.station.printing.confirm_by_hand, self.job_id))

    def reprint_code(self) -> None:
        self._after(self.app.act(self.station.reprint_case, self.code_field.value.strip()))

    def _after(self, job: PrintJob | None) -> None:
        if job is not None:
            self.job_id = job.id
            self.app.say(STATUS[job.status])
            self.refresh()
            self.app.refresh_status()

    # -- showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        jobs = self.station.printing.recent(6)
        if self.job_id is None and jobs:
            self.job_id = jobs[0].id
        self.printer.show(self.station.devices.printer.state.msg)
        self._show_recent(jobs)
        if self.job_id is None:
            return
        job = self.station.printing.get(self.job_id)
        self.title.text = f"{job.title.vi} · {job.title.en}"
        self.code.text = tr("case_code", code=job.code) if job.code else ""
        self.status.show(STATUS[job.status])
        self.reason.show(_reason(job))
        self._show_paper(job)

    def _show_paper(self, job: PrintJob) -> None:
        image = self.station.printing.preview(job.id)
        self.image.texture = texture_of(image)
        self.image.height = image.height * 0.62  # 80 mm paper shown about 360 px wide

    def _show_recent(self, jobs: list[PrintJob]) -> None:
        self.recent.clear_widgets()
        for job in jobs:
            marker = "✓" if job.confirmed else "!"
            self.recent.add_widget(FlatButton(
                f"{marker} {job.title.vi} {job.code or ''}", lambda j=job.id: self._pick(j),
                colour=PANEL if job.confirmed else "#FFE0B2", ink=MUTED if job.confirmed
                else LEVELS["error"], size=SMALL, height=30))
        self.recent.add_widget(BoxLayout())

    def _pick(self, job_id: int) -> None:
        self.job_id = job_id
        self.refresh()


def _reason(job: PrintJob) -> Msg | None:
    if job.reason is None:
        return None
    level = "error" if job.status == "failed" else "warning"
    return Msg(job.reason.vi, job.reason.en, level)

