"""Login with the clerk's personal account, and the forced first password change."""

from __future__ import annotations

from kivy.uix.anchorlayout import AnchorLayout

from counter_app.screens.theme import HEADING, MUTED, SMALL, TITLE
from counter_app.screens.widgets import CounterScreen, Field, FlatButton, Panel, Text
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
        self.username = Field("Tên đăng nhập / Username")
        self.password = Field("Mật khẩu / Password", password=True)
        self.add_widget(card(
            Text("Đăng nhập quầy tiếp nhận", size=TITLE, bold=True),
            Text(f"Quầy số {config.counter} · trạm {config.station}", size=SMALL,
                 colour=MUTED),
            self.username, self.password,
            FlatButton("Đăng nhập / Log in", self.submit, height=46),
            Text("Mỗi cán bộ dùng tài khoản riêng và giữ bí mật mật khẩu.", size=SMALL,
                 colour=MUTED)))
        self.password.input.bind(on_text_validate=lambda *_: self.submit())

    def submit(self) -> None:
        user = self.app.act(self.station.login, self.username.value, self.password.value)
        self.password.value = ""
        if user is None:
            return
        if self.station.session.must_change:
            self.app.say(Msg("Lần đầu đăng nhập: hãy đổi mật khẩu", "First login: change the "
                             "password", "warning"))
            self.app.go("password")
            return
        self.app.say(_welcome(self.station))
        self.app.go("queue")


def _welcome(station) -> Msg:
    if station.session.offline_auth:
        return Msg("Đăng nhập ngoại tuyến: hồ sơ sẽ được gửi khi có kết nối",
                   "Logged in offline: cases are sent when the connection is back", "warning")
    return Msg(f"Xin chào {station.session.full_name}", f"Welcome {station.session.full_name}",
               "ok")


class PasswordScreen(CounterScreen):
    def __init__(self, app) -> None:
        super().__init__(app, "password")
        self.old = Field("Mật khẩu hiện tại / Current password", password=True)
        self.new = Field("Mật khẩu mới / New password", password=True)
        self.again = Field("Nhập lại mật khẩu mới / New password again", password=True)
        self.add_widget(card(
            Text("Đổi mật khẩu trước khi làm việc", size=HEADING, bold=True),
            Text("Mật khẩu do quản trị cấp chỉ dùng một lần.", size=SMALL, colour=MUTED),
            self.old, self.new, self.again,
            FlatButton("Đổi mật khẩu / Change password", self.submit, height=46)))

    def submit(self) -> None:
        done = self.app.act(self._change)
        for field in (self.old, self.new, self.again):
            field.value = ""
        if done:
            self.app.say(Msg("Đã đổi mật khẩu", "Password changed", "ok"))
            self.app.go("queue")

    def _change(self) -> bool:
        self.station.change_password(self.old.value, self.new.value, self.again.value)
        return True
