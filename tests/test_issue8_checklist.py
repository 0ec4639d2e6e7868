"""Issue 8 (the kiosk and counter as their users found them), item by item: the tests that prove
each one. The decoder's figure is bench/decode.py's, not a test's. This module checks that
every test named here still exists, so the list cannot quietly point at a renamed or deleted
test; what each test proves is in the test itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

CHECKLIST: dict[str, list[str]] = {
    "receipt held 30 s: one lookup, through the fake camera against a real server": [
        "kiosk_app/test_scan_hold.py::test_a_receipt_held_up_for_30_s_is_looked_up_once",
        "kiosk_app/test_scan_hold.py::"
        "test_closed_status_with_the_receipt_still_held_stays_closed",
        "kiosk_app/test_scan_hold.py::test_a_scanner_resending_the_same_code_is_one_lookup"],
    "decode only what the decoder keeps up with, skip frames alike (CPU: bench/kiosk_cpu.py)": [
        "drivers/cameras/test_camera.py::"
        "test_an_empty_lobby_is_decoded_about_once_a_second_not_every_frame",
        "drivers/cameras/test_camera.py::test_frames_are_never_queued_behind_a_slow_decoder"],
    "CP1258: a tone byte takes its own cell; lines counted by printed cells": [
        "drivers/printers/test_printer_models.py::"
        "test_cp1258_tone_byte_takes_its_own_cell_on_a_printer_without_combining",
        "drivers/printers/test_printer_models.py::"
        "test_no_receipt_or_ticket_line_overflows_in_text_mode"],
    "no --profile: no Epson code page, raster text for unknown printers": [
        "drivers/printers/test_printer_models.py::test_counter_without_a_profile_sends_no_code_page",
        "drivers/printers/test_printer_models.py::"
        "test_a_clone_prints_tcvn3_sent_to_page_31_with_hebrew_page_glyphs"],
    "cheap 58 mm printers: symbols drawn, capabilities verified or assumed": [
        "drivers/printers/test_printer_models.py::test_cheap_58mm_printers_get_raster_symbols_and_text",
        "drivers/printers/test_printer_models.py::"
        "test_assumed_code_page_or_symbols_fall_back_to_raster"],
    "QR opens https://<public address>/L/CODE/TOKEN; never a loopback address printed": [
        "backend/test_public_address.py::test_the_url_form_is_published_printed_and_accepted",
        "backend/test_public_address.py::test_db_init_and_site_set",
        "counter_app/test_receipt_symbols.py::"
        "test_without_a_public_address_the_receipt_prints_no_web_address"],
    "long addresses break at / and .": [
        "drivers/printers/test_printer_models.py::"
        "test_long_address_breaks_at_slash_and_dot_not_mid_word"],
    "decomposed names stored composed and masked by whole letters": [
        "backend/api/test_inputs.py::"
        "test_decomposed_names_are_stored_composed_and_masked_by_whole_letters"],
    "counter asks before Mẫu 02 and keeps the form": [
        "counter_app/test_ui_flows.py::"
        "test_an_incomplete_file_asks_before_printing_and_keeps_the_form",
        "counter_app/test_ui_flows.py::test_choosing_form_02_prints_it_and_still_keeps_the_form"],
    "counter notices the server dying in the background; says when the outbox synced": [
        "counter_app/test_link.py::test_an_idle_station_notices_the_server_dying_and_coming_back",
        "counter_app/test_ui_flows.py::"
        "test_the_clerk_is_told_when_the_cases_taken_offline_have_synced"],
    "Returns tab focuses its scan field": [
        "counter_app/test_ui_flows.py::test_a_wedge_scan_lands_as_soon_as_the_returns_tab_opens"],
    "windows: counter maximised, kiosk fullscreen, both with a size option": [
        "counter_app/test_config.py::test_the_window_starts_maximised_and_flags_change_it",
        "kiosk_app/test_display.py::test_a_window_of_a_chosen_size_from_the_command_line"],
    "priority tickets from both apps": [
        "counter_app/test_ui_flows.py::test_the_clerk_serves_and_prints_priority_numbers",
        "kiosk_app/test_procedures_queue.py::test_a_priority_ticket_is_called_first"],
    "kiosk landscape: results at the top, one screen at a time, the code on one line": [
        "kiosk_app/ui/check_screens.py::test_procedures_by_search_and_by_field",
        "kiosk_app/ui/check_screens.py::test_typing_explains_a_bad_code_then_looks_up_a_good_one",
        "kiosk_app/test_screens.py::test_no_word_is_cut_in_a_smaller_landscape_window"],
    "every glyph the screens use is in the shipped fonts": [
        "kiosk_app/test_glyphs.py::test_every_character_the_kiosk_shows_is_in_its_font",
        "counter_app/test_glyphs.py::test_every_character_the_counter_shows_is_in_its_font"],
    "Vietnamese sort order": [
        "backend/domain/test_text.py::test_vietnamese_order_letters_first_then_tones",
        "kiosk_app/test_procedures_queue.py::test_fields_and_procedures_come_in_vietnamese_order"],
    "lunch break: no ticket offer, says when tickets resume": [
        "kiosk_app/test_procedures_queue.py::test_during_lunch_the_button_says_when_tickets_resume",
        "kiosk_app/ui/check_screens.py::test_lunch_break_says_when_tickets_resume"],
    "a rated case is not offered a rating again": [
        "kiosk_app/test_lookup.py::test_a_case_rated_at_the_counter_is_not_offered_again"],
    "'Tra cứu hồ sơ khác' opens the way the last code came (keypad for a typed one)": [
        "kiosk_app/test_lookup.py::test_look_up_another_case_the_way_this_one_was_looked_up"],
    "idle warning before the reset": [
        "kiosk_app/test_lookup.py::test_idle_counts_down_its_last_seconds_and_a_touch_stays",
        "kiosk_app/ui/check_screens.py::test_idle_warns_with_a_countdown_and_a_touch_stays"],
    "profile rotation, hide_cursor, screen_blank_s are applied": [
        "kiosk_app/test_display.py::test_a_pi_unit_starts_fullscreen_turned_and_without_a_pointer",
        "kiosk_app/test_display.py::"
        "test_the_kiosk_applies_the_profiles_blanking_and_rotation_when_it_starts"],
    "hall clock in the site's time zone": [
        "backend/web/test_pages.py::test_hall_clock_shows_the_site_time_not_the_browser_zone"],
    "lookup page fits a 390 px phone": [
        "backend/web/test_pages.py::test_lookup_fits_a_phone"],
    "demo: everything under --dir, ticket PNGs, no future times, a case to return, idle 45 s": [
        "test_demo.py::test_demo_starts_kiosk_and_counter_and_stops_them",
        "test_demo.py::test_demo_kiosk_prints_tickets_into_the_demo_folder_and_idles_after_45_s",
        "test_demo.py::test_no_demo_case_is_received_or_moved_after_now",
        "test_demo.py::test_a_demo_case_waits_resolved_to_be_returned_at_the_counter"],
}


def defined_tests(path: Path) -> set[str]:
    return {node.name for node in ast.walk(ast.parse(path.read_text("utf-8")))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


@pytest.mark.parametrize("item", sorted(CHECKLIST))
def test_every_item_names_tests_that_exist(item):
    for node in CHECKLIST[item]:
        module, name = node.split("::")
        assert name in defined_tests(ROOT / module), f"{item}: no {node}"
