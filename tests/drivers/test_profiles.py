"""Hardware profiles: the shipped files load, inherits merges, and every kind of mistake is
reported with its file, line and field, in Vietnamese and English."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest

from drivers import profiles as hp
from drivers._profile_load import deep_merge
from drivers.printers.base import PrinterProfile

REPO = Path(__file__).resolve().parents[2]
UDEV = REPO / "systemd" / "udev"

PRINTER = """\
kind: printer
vendor: Test
model: P80
driver: drivers.printers.escpos.EscposPrinter
connection: usb
capabilities:
  paper_width_dots: 576
  chars_per_line: 48
  text_encoding: raster
  native_barcode: true
  native_qr: true
  cut: true
  status: true
"""
MARKS = ", ".join(f"{name}: {'verified' if name in ('native_barcode', 'cut') else 'assumed'}"
                  for name in hp.PrinterConfidence.model_fields)
PRINTER += f"confidence: {{{MARKS}}}\n"

STATION = """\
description: test counter
platform: x86_64
apps: [counter]
screen: {orientation: landscape, resolution: 1920x1080}
devices:
  scanner:
    device: test-p80
    path: usb:04b8:0e28
"""


@pytest.fixture(scope="module")
def shipped() -> hp.ProfileSet:
    return hp.load_profiles()


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A profile root under tmp_path/hardware_profiles holding `files` (relative paths)."""
    root = tmp_path / "hardware_profiles"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    return [str(p) for p in hp.read_profiles(root).problems]


# --- what ships ----------------------------------------------------------------------------


def test_every_shipped_profile_and_station_loads(shipped):
    assert shipped.problems == []
    assert set(shipped.stations) == {"rpi-kiosk-portrait", "x86-kiosk-landscape", "x86-counter",
                                     "demo-fake"}
    for name in shipped.stations:
        for role, (spec, device) in shipped.station_devices(name).items():
            assert device.kind == hp.ROLES[role], (name, role)
            assert hp.path_form(spec.path) is not None


def test_the_required_models_ship(shipped):
    by_kind: dict[str, set[str]] = {}
    for name, device in shipped.devices.items():
        by_kind.setdefault(device.kind, set()).add(name)
    assert {"epson-tm-t20iii", "epson-tm-t82iii", "xprinter-xp-80c", "generic-pos-58"} <= \
        by_kind["printer"]
    assert {"honeywell-voyager-1250g", "zebra-ds2208", "generic-serial-scanner"} <= \
        by_kind["scanner"]
    assert {"logitech-c270", "logitech-c920", "raspberrypi-camera-module-3"} <= by_kind["camera"]
    assert {"generic-led-counter", "generic-vfd-pole-display"} <= by_kind["display"]
    assert {"simcom-sim7600", "quectel-ec25", "simcom-sim800"} <= by_kind["modem"]
    assert by_kind["audio"] == {"alsa-default"}


def test_every_usb_id_says_whether_it_is_verified(shipped):
    for device in shipped.devices.values():
        text = (hp.DEFAULT_ROOT.parent / device.source).read_text(encoding="utf-8")
        for rule in device.match.usb:
            if rule.vid is not None:
                assert re.search(r"verified|assumed", text.split("kind:")[0]), device.name


def test_demo_station_uses_only_simulators(shipped):
    roles = shipped.stations["demo-fake"].devices.assigned()
    assert set(roles) == set(hp.ROLES)
    assert all(spec.path.startswith("fake:") for spec in roles.values())


def test_station_screens(shipped):
    assert shipped.stations["rpi-kiosk-portrait"].screen.size == (1080, 1920)
    assert shipped.stations["x86-kiosk-landscape"].screen.orientation == "landscape"


def test_every_shipped_driver_exists(shipped):
    assert [str(w) for w in shipped.warnings] == []


def test_printer_capabilities_map_one_to_one_onto_the_driver_profile(shipped):
    driver_fields = {f.name for f in dataclasses.fields(PrinterProfile)} - {"name"}
    assert set(hp.PrinterCaps.model_fields) == driver_fields
    for device in shipped.devices.values():
        if device.kind == "printer":
            profile = hp.printer_profile(device)
            assert isinstance(profile, PrinterProfile)
            assert profile.name == device.name
            assert profile.paper_width_dots == device.capabilities.paper_width_dots


def test_printer_profile_refuses_other_kinds(shipped):
    with pytest.raises(TypeError):
        hp.printer_profile(shipped.devices["logitech-c270"])


def test_udev_rules_cover_every_printer_scanner_and_modem_id(shipped):
    files = {"printer": "60-motcua-printers.rules", "scanner": "60-motcua-scanners.rules",
             "modem": "60-motcua-serial.rules"}
    for device in shipped.devices.values():
        if device.kind not in files:
            continue
        rules = (UDEV / files[device.kind]).read_text(encoding="utf-8")
        for rule in device.match.usb:
            if rule.vid is not None and rule.pid is not None:
                assert f'"{rule.vid:04x}"' in rules and f'"{rule.pid:04x}"' in rules, device.name


def test_udev_rule_lines_are_well_formed():
    pair = r'[A-Z_]+(\{[^}]+\})?\s*(==|!=|\+=|:=|=)\s*"[^"]*"'
    for path in UDEV.glob("*.rules"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                assert re.fullmatch(rf"{pair}(,\s*{pair})*", line.strip()), (path.name, number)


def test_station_dev_motcua_paths_come_from_the_udev_rules(shipped):
    rules = "\n".join(p.read_text(encoding="utf-8") for p in UDEV.glob("*.rules"))
    for station in shipped.stations.values():
        for spec in station.devices.assigned().values():
            if spec.path.startswith("/dev/motcua/"):
                name = spec.path.removeprefix("/dev/")
                generic = re.sub(r"-[0-9a-f]{4}-[0-9a-f]{4}$", "-$attr{idVendor}", name)
                assert name in rules or generic in rules, spec.path


# --- inherits ------------------------------------------------------------------------------


def test_inherits_deep_merges_along_the_chain(shipped):
    t82 = shipped.devices["epson-tm-t82iii"]
    assert t82.lineage == ("epson-tm-t82iii", "epson-tm-t20iii", "generic-escpos-80mm")
    assert t82.capabilities.paper_width_dots == 576  # from the grandparent
    assert t82.capabilities.text_encoding == "tcvn3"  # from the parent
    assert t82.driver == "drivers.printers.escpos.EscposPrinter"
    pos58 = shipped.devices["generic-pos-58"]
    assert (pos58.capabilities.paper_width_dots, pos58.capabilities.cut) == (384, False)
    assert pos58.capabilities.native_qr is False
    assert pos58.confidence.native_qr == "assumed"  # from the grandparent


def test_match_rules_are_not_inherited(shipped):
    assert shipped.devices["generic-escpos-80mm"].match.usb  # the class-7 fallback
    assert shipped.devices["generic-escpos-58mm"].match.usb == []
    t82_rules = shipped.devices["epson-tm-t82iii"].match.usb
    assert [r.product for r in t82_rules] == ["*T82III*"]


def test_deep_merge_merges_mappings_and_replaces_the_rest():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    assert deep_merge(base, {"a": {"y": [3]}, "c": 2}) == {"a": {"x": 1, "y": [3]}, "b": 1,
                                                           "c": 2}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}


def test_hex_usb_ids_may_be_written_as_strings(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER + "match:\n  usb:\n"
                           "    - {vid: '04b8', pid: '0x0E28'}\n"})
    rule = hp.load_profiles(root).devices["test-p80"].match.usb[0]
    assert (rule.vid, rule.pid) == (0x04B8, 0x0E28)


# --- mistakes, each with file, line and field ----------------------------------------------


def test_unknown_station_role_reads_as_in_the_brief(tmp_path):
    station = STATION.replace("  scanner:", "  recipt_printer:")
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER,
                           "stations/x86-counter.yaml": station})
    assert ("hardware_profiles/stations/x86-counter.yaml dòng 6: trường 'recipt_printer' "
            "không hợp lệ / line 6: unknown field 'recipt_printer'") in "\n".join(problems(root))


def test_unknown_key_in_a_device_profile(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER.replace(
        "  cut: true", "  cutter: true\n  cut: true")})
    [message] = problems(root)
    assert message.startswith("hardware_profiles/devices/printer/test-p80.yaml dòng 12: "
                              "trường 'cutter' không hợp lệ / line 12: unknown field 'cutter'")
    assert "'capabilities'" in message


def test_wrong_type_names_the_field_and_the_value(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER.replace(
        "paper_width_dots: 576", "paper_width_dots: wide").replace("cut: true", "cut: maybe")})
    messages = problems(root)
    assert any("dòng 7: trường 'capabilities.paper_width_dots' phải là một trong 384 hoặc 576 "
               "(đang là 'wide') / line 7: field 'capabilities.paper_width_dots' must be one of "
               "384 or 576" in m for m in messages)
    assert any("dòng 12: trường 'capabilities.cut' phải là true hoặc false" in m
               for m in messages)


def test_missing_field(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER.replace("vendor: Test\n",
                                                                            "")})
    assert problems(root) == [
        "hardware_profiles/devices/printer/test-p80.yaml dòng 1: trường 'vendor' bị thiếu "
        "(bắt buộc) / line 1: field 'vendor' is missing (required)"]


def test_missing_parent(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": "inherits: generic-80\n" + PRINTER})
    assert problems(root) == [
        "hardware_profiles/devices/printer/test-p80.yaml dòng 1: trường 'inherits': không có "
        "hồ sơ cha 'generic-80' / line 1: field 'inherits': parent profile 'generic-80' not "
        "found"]


def test_inheritance_cycle_is_reported_in_every_file_on_it(tmp_path):
    root = tree(tmp_path, {
        "devices/printer/a-one.yaml": "kind: printer\ninherits: b-two\n",
        "devices/printer/b-two.yaml": "kind: printer\ninherits: c-three\n",
        "devices/printer/c-three.yaml": "kind: printer\ninherits: a-one\n"})
    messages = problems(root)
    assert len(messages) == 3
    assert ("hardware_profiles/devices/printer/a-one.yaml dòng 2: trường 'inherits' tạo vòng "
            "kế thừa: a-one → b-two → c-three → a-one") in messages[0]
    assert all("inheritance cycle" in m for m in messages)


def test_a_mistake_in_a_parent_is_reported_once_in_the_parent(tmp_path):
    root = tree(tmp_path, {
        "devices/printer/test-p80.yaml": PRINTER.replace("chars_per_line: 48",
                                                         "chars_per_line: many"),
        "devices/printer/test-child.yaml": "inherits: test-p80\nkind: printer\nmodel: C\n"})
    assert problems(root) == [
        "hardware_profiles/devices/printer/test-p80.yaml dòng 8: trường "
        "'capabilities.chars_per_line' phải là số nguyên (đang là 'many') / line 8: field "
        "'capabilities.chars_per_line' must be a whole number (got 'many')"]


def test_child_of_another_kind(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER,
                           "devices/scanner/test-s.yaml": "inherits: test-p80\nkind: scanner\n"})
    assert problems(root) == [
        "hardware_profiles/devices/scanner/test-s.yaml dòng 2: trường 'kind' là 'scanner' "
        "nhưng hồ sơ cha là 'printer' / line 2: field 'kind' is 'scanner' but the parent is a "
        "'printer'"]


def test_profile_in_the_wrong_folder(tmp_path):
    root = tree(tmp_path, {"devices/camera/test-p80.yaml": PRINTER})
    assert "dòng 1: hồ sơ loại 'printer' phải nằm trong devices/printer/" in problems(root)[0]


def test_unknown_device_in_a_station(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER,
                           "stations/s.yaml": STATION.replace("device: test-p80",
                                                              "device: test-p81")})
    assert problems(root) == [
        "hardware_profiles/stations/s.yaml dòng 7: trường 'devices.scanner.device': không có "
        "hồ sơ thiết bị 'test-p81' / line 7: field 'devices.scanner.device': unknown device "
        "profile 'test-p81'"]


def test_unknown_device_is_reported_next_to_a_schema_mistake(tmp_path):
    station = STATION.replace("device: test-p80", "device: test-p81").replace(
        "platform: x86_64", "platform: arm")
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER, "stations/s.yaml": station})
    messages = "\n".join(problems(root))
    assert "dòng 7: trường 'devices.scanner.device'" in messages
    assert "dòng 2: trường 'platform' phải là một trong" in messages


def test_device_of_the_wrong_kind_for_the_role(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER, "stations/s.yaml": STATION})
    assert problems(root) == [
        "hardware_profiles/stations/s.yaml dòng 7: vai trò 'scanner' cần scanner, 'test-p80' là "
        "printer / line 7: role 'scanner' needs a scanner, 'test-p80' is a printer"]


def test_path_that_does_not_fit_the_device(tmp_path):
    station = STATION.replace("scanner:", "receipt_printer:").replace("usb:04b8:0e28", "csi:0")
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER, "stations/s.yaml": station})
    assert problems(root) == [
        "hardware_profiles/stations/s.yaml dòng 8: đường dẫn 'csi:0' không dùng được cho "
        "printer / line 8: path 'csi:0' does not fit a printer"]


def test_malformed_path_shows_the_accepted_forms(tmp_path):
    station = STATION.replace("scanner:", "receipt_printer:").replace("usb:04b8:0e28",
                                                                      "COM3")
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER, "stations/s.yaml": station})
    [message] = problems(root)
    assert message.startswith("hardware_profiles/stations/s.yaml dòng 8: trường "
                              "'devices.receipt_printer.path' sai định dạng, cần dạng /dev/...")


def test_screen_orientation_must_fit_the_resolution(tmp_path):
    station = STATION.replace("orientation: landscape", "orientation: portrait")
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER,
                           "stations/s.yaml": station.replace("scanner:", "ticket_printer:")})
    assert problems(root) == [
        "hardware_profiles/stations/s.yaml dòng 4: trường 'screen' sai: độ phân giải 1920x1080 "
        "không phải khổ portrait / line 4: field 'screen' is wrong: resolution 1920x1080 is not "
        "portrait"]


def test_usb_rule_needs_something_to_match(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER +
                           "match:\n  usb:\n    - {pid: 0x0e28}\n"})
    [message] = problems(root)
    assert "dòng 17: trường 'match.usb[0]' sai: cần 'vid' hoặc 'interface_class'" in message


def test_loader_set_fields_cannot_be_written(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": "name: other\n" + PRINTER})
    assert problems(root) == [
        "hardware_profiles/devices/printer/test-p80.yaml dòng 1: trường 'name' không hợp lệ / "
        "line 1: unknown field 'name'"]


def test_duplicate_key_and_syntax_error(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": PRINTER + "vendor: Again\n",
                           "devices/printer/test-bad.yaml": "kind: [printer\n"})
    messages = problems(root)
    assert any("test-p80.yaml dòng 15: khóa 'vendor' bị lặp / line 15: duplicate key 'vendor'"
               in m for m in messages)
    assert any("test-bad.yaml dòng 2: lỗi cú pháp YAML" in m for m in messages)


def test_file_names_and_placement(tmp_path):
    root = tree(tmp_path, {"devices/printer/Test_P80.yaml": PRINTER,
                           "devices/test-p80.yaml": PRINTER,
                           "devices/printer/test-p80.yaml": PRINTER,
                           "devices/scanner/test-p80.yaml": PRINTER,
                           "stations/empty.yaml": "- just a list\n"})
    messages = "\n".join(problems(root))
    assert "Test_P80.yaml: tên tệp chỉ gồm chữ thường" in messages
    assert "devices/test-p80.yaml: hồ sơ thiết bị phải nằm trong devices/<loại>/" in messages
    assert ("devices/scanner/test-p80.yaml: tên 'test-p80' trùng với "
            "hardware_profiles/devices/printer/test-p80.yaml") in messages
    assert "stations/empty.yaml dòng 1: tệp phải là một nhóm khóa: giá trị" in messages


def test_load_profiles_raises_with_every_problem(tmp_path):
    root = tree(tmp_path, {"devices/printer/test-p80.yaml": "kind: printer\n",
                           "stations/s.yaml": "platform: x86_64\n"})
    with pytest.raises(hp.ProfileError) as caught:
        hp.load_profiles(root)
    assert len(caught.value.problems) >= 5
    assert str(caught.value).count("\n") == len(caught.value.problems) - 1


def test_missing_root(tmp_path):
    assert problems(tmp_path / "nowhere") == [
        f"{tmp_path / 'nowhere'}: không có thư mục hồ sơ / profile folder not found"]


def test_driver_that_does_not_exist_yet_is_a_warning(tmp_path):
    text = PRINTER.replace("drivers.printers.escpos.EscposPrinter", "drivers.printers.nope.Nope")
    result = hp.read_profiles(tree(tmp_path, {"devices/printer/test-p80.yaml": text}))
    assert result.problems == []
    assert [str(w) for w in result.warnings] == [
        "hardware_profiles/devices/printer/test-p80.yaml dòng 4: chưa có mô-đun driver "
        "'drivers.printers.nope' / line 4: driver module 'drivers.printers.nope' not found"]
    text = PRINTER.replace("EscposPrinter", "EscposPrinterX")
    result = hp.read_profiles(tree(tmp_path / "b", {"devices/printer/test-p80.yaml": text}))
    assert "không thấy lớp 'EscposPrinterX'" in str(result.warnings[0])


def test_readme_lists_every_shipped_profile(shipped):
    readme = (hp.DEFAULT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in [*shipped.devices, *shipped.stations]:
        assert f"{name}" in readme, name
