"""A counter hands a result back and asks the lobby kiosk to offer the rating for that case."""

import dataclasses

from kiosk_app.core import RATING_POLL_SECONDS, THANKS_SECONDS
from tests.kiosk_app.conftest import MASKED, run_until, settle
from tests.kiosk_app.test_lookup import holds


def poll(kiosk, mono) -> None:
    """Let one poll run to its end (the timer fires, the answer is delivered)."""
    mono.advance(RATING_POLL_SECONDS)
    kiosk.pump()
    settle(kiosk)
    kiosk.pump()


def offered(kiosk):
    return lambda: kiosk.state.screen == "rate" and kiosk.state.rating_offered


def test_a_counter_request_shows_the_rating_screen_and_the_rating_closes_it(
        kiosk, clerk, returned_case, mono):
    clerk.request_rating(returned_case["code"], 1)
    mono.advance(RATING_POLL_SECONDS)
    run_until(kiosk, offered(kiosk))
    assert kiosk.state.rating_counter == 1
    assert kiosk.state.case is None  # nothing about the case or the citizen on screen
    for secret in (MASKED, returned_case["code"], returned_case["token"]):
        assert not holds(kiosk.state, secret), secret
    kiosk.rate("satisfied")
    run_until(kiosk, lambda: kiosk.state.rating_done is not None)
    assert kiosk.state.rating_done.en == "Thank you for your rating!"
    assert kiosk.client.pending_rating() is None
    assert clerk.case(returned_case["code"])["status"] == "returned"
    mono.advance(THANKS_SECONDS)
    kiosk.pump()
    assert kiosk.state.screen == "home" and not holds(kiosk, returned_case["code"])


def test_an_ignored_request_times_out_and_is_not_shown_twice(kiosk, clerk, returned_case,
                                                             mono):
    clerk.request_rating(returned_case["code"], 1)
    poll(kiosk, mono)
    assert kiosk.state.screen == "rate"
    mono.advance(44)  # the idle timeout counts from the offer, not from the last touch
    kiosk.pump()
    assert kiosk.state.screen == "rate"
    mono.advance(2)
    kiosk.pump()
    assert kiosk.state.screen == "home" and not holds(kiosk, returned_case["code"])
    poll(kiosk, mono)
    assert kiosk.client.pending_rating()["code"] == returned_case["code"]  # still pending
    assert kiosk.state.screen == "home"


def test_no_offer_while_someone_uses_the_kiosk_or_when_ratings_are_off(kiosk, clerk, mono,
                                                                       returned_case):
    clerk.request_rating(returned_case["code"], 1)
    kiosk.open_typing()  # a citizen is typing a code: not interrupted
    poll(kiosk, mono)
    assert kiosk.state.screen == "type"
    kiosk.go_home()
    kiosk.apply_settings(dataclasses.replace(kiosk.settings, rating_enabled=False))
    poll(kiosk, mono)
    assert kiosk.state.screen == "home"
    kiosk.apply_settings(dataclasses.replace(kiosk.settings, rating_enabled=True))
    poll(kiosk, mono)
    assert kiosk.state.screen == "rate" and kiosk.state.rating_counter == 1
