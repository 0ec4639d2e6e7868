"""Procedures: fields and search (a letter keyboard; accents not needed), lists, details."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from backend.domain.text import vn_sort_key
from kiosk_app.screens.base import KioskScreen
from kiosk_app.screens.lookup import letter_rows
from kiosk_app.screens.theme import INK, LINE, MUTED, PANEL, rgba
from kiosk_app.screens.widgets import BigButton, Column, Keypad, Panel, Text, scroller


def by_name(items):
    """Fields and procedures in Vietnamese alphabet order, as a printed list would have them."""
    return sorted(items, key=lambda item: vn_sort_key(item.name))


def item_button(screen: KioskScreen, text: str, action) -> BigButton:
    """A list entry: left-aligned, wraps long procedure names, still a big touch target."""
    button = BigButton(text, action, fill=PANEL, ink=INK, border=LINE, size=screen.sz.body,
                       height=screen.sz.button_h, bold=False)
    button.halign = "left"
    button.bind(texture_size=lambda b, ts: setattr(b, "height", max(screen.sz.button_h,
                                                                    ts[1] + 40)))
    return button


class ProceduresScreen(KioskScreen):
    screen_name = "procedures"

    def build(self, state) -> Widget:
        self.query = Text("", size=self.sz.heading, bold=True)
        self.results = Column(spacing=self.sz.gap // 2)
        self._shown = None
        search = Panel(padding=self.sz.pad // 2)
        search.add_widget(self.query)
        head = Column(spacing=self.sz.gap // 2)
        for widget in (self.title(self.t("proc_title")), self.subtitle(self.t("proc_fields")),
                       search):
            head.add_widget(widget)
        rows = [*letter_rows(9), [("space", self.t("key_space"), 4), ("back", "⌫", 2),
                                  ("clear", self.t("key_clear"), 3)]]
        keys = Keypad(rows, self.core.procedures.type, key_h=self.sz.key_h - 16,
                      size=self.sz.heading)
        page = self.page(horizontal=not self.sz.portrait)
        if self.sz.portrait:
            for widget in (head, scroller(self.results), keys, self.back_button()):
                page.add_widget(widget)
            return page
        left = BoxLayout(orientation="vertical", spacing=self.sz.gap)
        for widget in (head, Widget(), keys, self.back_button()):
            left.add_widget(widget)
        page.add_widget(left)
        page.add_widget(scroller(self.results))
        return page

    def update(self, state) -> None:
        self.query.text = f"{state.query}▏" if state.query else self.t("proc_search")
        self.query.color = rgba(INK if state.query else MUTED)
        shown = (state.lang, state.query.strip(), state.fields, state.procedures)
        if shown == self._shown:
            return
        self._shown = shown
        self.results.clear_widgets()
        if state.query.strip():
            for item in by_name(state.procedures):
                self.results.add_widget(item_button(
                    self, item.name, lambda c=item.code: self.core.procedures.open_procedure(c)))
            return
        for field in by_name(state.fields):
            label = f"{field.name}  ·  {self.t('proc_count', n=field.count)}"
            self.results.add_widget(item_button(
                self, label, lambda c=field.code: self.core.procedures.choose_field(c)))


class ProcedureListScreen(KioskScreen):
    screen_name = "procedure_list"

    def layout_key(self, state):
        return state.field, state.procedures

    def build(self, state) -> Widget:
        page = self.page()
        page.add_widget(self.title(state.field.name if state.field else self.t("proc_title")))
        column = Column(spacing=self.sz.gap // 2)
        for item in by_name(state.procedures):
            column.add_widget(item_button(
                self, item.name, lambda c=item.code: self.core.procedures.open_procedure(c)))
        page.add_widget(scroller(column))
        page.add_widget(self.back_button())
        return page


class ProcedureScreen(KioskScreen):
    screen_name = "procedure"
    shows = "procedure"

    def build(self, state) -> Widget:
        proc = state.procedure
        docs = Panel(padding=self.sz.pad, spacing=12)
        docs.add_widget(Text(self.t("p_docs"), size=self.sz.heading, bold=True))
        for doc in proc.documents:
            docs.add_widget(Text("•  " + self.m(doc), size=self.sz.body))
        title = Text(proc.name, size=self.sz.heading, bold=True)
        facts = self.facts(proc.rows)
        if self.sz.portrait:
            column = Column(spacing=self.sz.gap)
            for widget in (title, facts, docs):
                column.add_widget(widget)
            return self.stack(scroller(column), self.back_button())
        left = Column(spacing=self.sz.gap)
        left.add_widget(title)
        left.add_widget(facts)
        return self.side_by_side(self.stack(scroller(left), self.back_button(), padding=0),
                                 scroller(docs))
