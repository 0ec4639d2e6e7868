"""Logging in at the counter: personal accounts, forced first change, offline login."""

from __future__ import annotations

import pytest

from counter_app.core import CounterStation
from counter_app.texts import CounterError

from .conftest import PASSWORD, fill, restarted


def test_first_login_forces_a_password_change(config, devices, clock):
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("newbie", PASSWORD)
        assert station.session.must_change and not station.session.ready
        with pytest.raises(CounterError) as blocked:
            station.intake.confirm(station.intake.new_form())
        assert blocked.value.key == "password_change_required"
        assert blocked.value.vi.startswith("Cần đổi mật khẩu") and "password" in blocked.value.en
        with pytest.raises(CounterError) as differ:
            station.change_password(PASSWORD, "Moi-mat-khau-2026", "Moi-mat-khau-2027")
        assert differ.value.key == "password_mismatch"
        station.change_password(PASSWORD, "Moi-mat-khau-2026", "Moi-mat-khau-2026")
        assert station.session.ready
        assert station.leases.remaining() > 0  # numbers for offline intake, leased at once
        station.logout()
        station.login("newbie", "Moi-mat-khau-2026")
        assert station.session.ready


def test_wrong_password_and_wrong_role_are_refused_in_two_languages(config, devices, clock):
    with CounterStation(config, devices=devices, clock=clock) as station:
        with pytest.raises(Exception) as wrong:
            station.login("clerk", "sai-mat-khau")
        assert wrong.value.vi and wrong.value.en
        with pytest.raises(CounterError) as role:
            station.login("officer.kt", PASSWORD)
        assert role.value.key == "wrong_role" and "officer" in role.value.en
        assert station.session.user is None and station.client.token is None


def test_offline_login_only_for_a_clerk_seen_here_before(config, devices, clock, server):
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        station.logout()
        server.stop()
        with pytest.raises(CounterError) as refused:
            station.login("clerk", "wrong-password")
        assert refused.value.key == "offline_login_refused"
        assert not station.link.online and station.link.banner.vi.startswith("Mất kết nối")
        station.login("clerk", PASSWORD)
        assert station.session.ready and station.session.offline_auth
        outcome = station.intake.confirm(fill(station))
        assert outcome.offline and outcome.job.confirmed


def test_after_an_offline_login_the_outbox_goes_with_a_real_session(config, devices, clock,
                                                                      server, store):
    with CounterStation(config, devices=devices, clock=clock) as station:
        station.login("clerk", PASSWORD)
        station.logout()
        server.stop()
        station.login("clerk", PASSWORD)  # offline: from the remembered hash
        code = station.intake.confirm(fill(station)).code
        with restarted(server, store, clock) as again:
            station.tick()
            assert not station.session.offline_auth and station.client.token
            assert again.client("clerk").case(code)["received_at"]
