"""Login with the clerk's personal account, and the forced first password change."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout

from counter_app.screens.theme import HEADING, MUTED, SMALL, TITLE
from counter_app.screens.widgets import CounterScreen, Field, FlatButton, Panel, Text
from counter_app.strings import msg, pair, tr
from counter_app.texts import Msg


def card(*widgets) -> AnchorLayout:
    outer = AnchorLayout()
    panel = Panel(size_hint=(None, None), width=520, padding=28, spacing=12)
    for widget in widgets:
        panel.add_widget(widget)
    panel.bind(minimum_height=panel.setter("height"))  # texts learn their height later
    outer.add_widget(panel)
    return outer


class LoginScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "login")
        config = self.station.config
        self.username = Field(pair("field_username"))
        self.password = Field(pair("field_password"), password=True)
        self.add_widget(card(
            Text(tr("login_title"), size=TITLE, bold=True),
            Text(tr("station_line", n=config.counter, station=config.station), size=SMALL,
                 colour=MUTED),
            self.username, self.password,
            FlatButton(pair("login"), self.submit, height=46),
            Text(tr("login_note"), size=SMALL,
                 colour=MUTED)))
        self.password.input.bind(on_text_validate=lambda *_: self.submit())

    def submit(self) -> None:
        user = self.app.act(self.station.login, self.username.value, self.password.value)
        self.password.value = ""
        if user is None:
            return
        if self.station.session.must_change:
            self.app.say(msg("first_login", "warning"))
            self.app.go("password")
            return
        self.app.say(_welcome(self.station))
        self.app.go("queue")


def _welcome(station) -> Msg:
    if station.session.offline_auth:
        return msg("offline_login", "warning")
    return msg("welcome", "ok", full_name=station.session.full_name)


class PasswordScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "password")
        self.old = Field(pair("field_old_password"), password=True)
        self.new = Field(pair("field_new_password"), password=True)
        self.again = Field(pair("field_again"), password=True)
        self.add_widget(card(
            Text(tr("change_title"), size=HEADING, bold=True),
            Text(tr("change_note"), size=SMALL, colour=MUTED),
            self.old, self.new, self.again,
            FlatButton(pair("change_password"), self.submit, height=46)))

    def submit(self) -> None:
        done = self.app.act(self._change)
        for field in (self.old, self.new, self.again):
            field.value = ""
        if done:
            self.app.say(msg("password_changed", "ok"))
            self.app.go("queue")

    def _change(self) -> bool:
        self.station.change_password(self.old.value, self.new.value, self.again.value)
        return True
