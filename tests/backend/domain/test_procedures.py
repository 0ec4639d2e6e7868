"""The procedure catalog: shipped data, search, versions, error messages, snapshots."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from backend.catalog import DEFAULT_CATALOG_DIR, load_catalog, load_procedure, load_units
from backend.domain.procedures import CatalogError, Procedure, ProcedureNotFound

SHIPPED = DEFAULT_CATALOG_DIR
SHIPPED_FILES = sorted((SHIPPED / "procedures").glob("*.yaml"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def shipped_data(code: str) -> dict:
    return yaml.safe_load((SHIPPED / "procedures" / f"{code}.yaml").read_text("utf-8"))


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.fixture
def tmp_catalog(tmp_path) -> Path:
    """A copy of units.yaml and two shipped procedures that a test may break."""
    root = tmp_path / "catalog"
    (root / "procedures").mkdir(parents=True)
    shutil.copy(SHIPPED / "units.yaml", root / "units.yaml")
    for code in ("1.001612", "1.001193"):
        shutil.copy(SHIPPED / "procedures" / f"{code}.yaml", root / "procedures")
    return root


def broken(tmp_catalog: Path, change, code: str = "1.001612") -> str:
    """Apply `change` to a copy of one shipped file; return the CatalogError message."""
    data = shipped_data(code)
    change(data)
    write_yaml(tmp_catalog / "procedures" / f"{code}.yaml", data)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_catalog)
    return str(caught.value)


# --- the shipped data ----------------------------------------------------------------------


def test_every_shipped_file_loads_and_passes_the_cross_checks(catalog):
    assert len(catalog.procedures) == len(SHIPPED_FILES)
    for path in SHIPPED_FILES:
        procedure = load_procedure(path, catalog.units)
        assert catalog.get(procedure.code, procedure.version) == procedure
        assert path.name == f"{procedure.code}.yaml"


def test_at_least_twelve_procedures_in_at_least_four_fields(catalog):
    assert len(catalog.all_current()) >= 12
    assert len(catalog.fields()) >= 4
    assert {f.name for f in catalog.fields()} >= {
        "Hộ kinh doanh", "Hoạt động xây dựng", "Đất đai", "Hộ tịch", "Chứng thực",
        "Lý lịch tư pháp"}


def test_shipped_workflows_go_from_the_desk_and_back_in_the_stated_time(catalog):
    for p in catalog.all_current():
        assert sum(step.time for step in p.workflow) == pytest.approx(p.processing_time.amount)
        assert p.workflow[0].unit == p.workflow[-1].unit == p.receiving_unit == "MOTCUA"
        assert "clerk" in p.workflow[0].roles and "clerk" in p.workflow[-1].roles
        assert all(step.unit in catalog.units for step in p.workflow), p.code
        assert p.legal_basis and p.documents and any(d.required for d in p.documents)


def test_the_site_and_its_units(catalog):
    assert catalog.agency.code == "000.00.06.H56"
    assert catalog.agency.name == "Trung tâm Phục vụ hành chính công phường Tân Ninh"
    assert set(catalog.units) >= {"MOTCUA", "KT", "VHXH", "VP", "LD", "CNVPDK", "STP"}
    kinds = {u.code: u.kind for u in catalog.units.values()}
    assert kinds["MOTCUA"] == "reception" and kinds["LD"] == "leadership"
    assert kinds["CNVPDK"] == kinds["STP"] == "external"
    assert catalog.unit("KT").name == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert load_units(SHIPPED / "units.yaml") == catalog.agency


def test_criminal_record_certificate_shows_only_its_field_in_public(catalog):
    sensitive = [p for p in catalog.all_current() if p.sensitive]
    assert [p.field.name for p in sensitive] == ["Lý lịch tư pháp"]
    assert sensitive[0].public_name() == "Lý lịch tư pháp"
    assert sensitive[0].processing_time.amount == 10
    assert catalog.current("1.001612").public_name() == "Đăng ký thành lập hộ kinh doanh"


def test_same_day_procedures_are_counted_in_working_hours(catalog):
    for code in ("2.000815", "2.000884", "1.001193"):
        assert catalog.current(code).processing_time.unit == "working_hours"


def test_fees_are_whole_vnd(catalog):
    assert catalog.current("1.001612").fee.amount == 100000
    assert catalog.current("1.001193").fee.amount == 0
    assert catalog.current("1.001193").fee.when == "none"


# --- search --------------------------------------------------------------------------------


def codes(procedures) -> list[str]:
    return [p.code for p in procedures]


def test_search_with_and_without_diacritics_and_any_case(catalog):
    building = ["1.013225", "1.013229"]
    assert codes(catalog.search("giấy phép xây dựng")) == building
    assert codes(catalog.search("giay phep xay dung")) == building
    assert codes(catalog.search("GIẤY  PHÉP")) == building


def test_search_word_order_is_free_and_every_word_must_match(catalog):
    assert codes(catalog.search("khai sinh")) == ["1.001193"]
    assert codes(catalog.search("sinh khai")) == ["1.001193"]
    assert catalog.search("khai sinh xây dựng") == []
    assert catalog.search("không có thủ tục này") == []


def test_search_by_code_whole_or_part(catalog):
    assert codes(catalog.search("1.001612")) == ["1.001612"]
    assert codes(catalog.search("001612")) == ["1.001612"]


def test_search_by_field_name_in_the_query(catalog):
    found = catalog.search("chung thuc")
    assert codes(found) == ["2.000815", "2.000884"]


def test_search_filtered_by_field_code_or_name(catalog):
    civil = {"1.001193", "1.000894", "1.000656", "1.004873", "2.000635"}
    assert set(codes(catalog.search("", field="ho-tich"))) == civil
    assert set(codes(catalog.search("", field="Hộ tịch"))) == civil
    assert set(codes(catalog.search("", field="HO TICH"))) == civil
    assert codes(catalog.search("hôn", field="ho-tich")) == ["1.004873", "1.000894"]
    assert catalog.search("khai sinh", field="dat-dai") == []


def test_search_ignores_punctuation_around_words(catalog):
    assert codes(catalog.search("(khai sinh),")) == ["1.001193"]


def test_empty_search_lists_everything_grouped_by_field(catalog):
    found = catalog.search("")
    assert len(found) == len(catalog.all_current())
    assert found[0].field.name == "Bảo trợ xã hội"  # "bao tro" folds first


# --- versions ------------------------------------------------------------------------------


@pytest.fixture
def two_versions(tmp_catalog) -> Path:
    """1.001612 in force from 2025-07-01 and a newer version from 2026-01-01."""
    folder = tmp_catalog / "procedures"
    (folder / "1.001612.yaml").rename(folder / "1.001612@2025-07-01.yaml")
    data = shipped_data("1.001612")
    data.update(version=date(2026, 1, 1), decision="Quyết định số 99/QĐ-UBND")
    data["fee"]["amount"] = 150000
    write_yaml(folder / "1.001612.yaml", data)
    return tmp_catalog


def test_current_is_the_highest_version(two_versions):
    catalog = load_catalog(two_versions)
    assert catalog.versions("1.001612") == [date(2025, 7, 1), date(2026, 1, 1)]
    assert catalog.current("1.001612").fee.amount == 150000
    assert catalog.current("1.001612", on=date(2025, 12, 31)).fee.amount == 100000
    assert catalog.current("1.001612", on=date(2026, 1, 1)).fee.amount == 150000


def test_get_a_version_by_date_or_iso_string(two_versions):
    catalog = load_catalog(two_versions)
    assert catalog.get("1.001612", "2025-07-01").fee.amount == 100000
    assert catalog.get("1.001612", date(2026, 1, 1)).fee.amount == 150000


def test_search_returns_each_procedure_once_in_its_current_version(two_versions):
    found = load_catalog(two_versions).search("hộ kinh doanh")
    assert [(p.code, p.fee.amount) for p in found] == [("1.001612", 150000)]


def test_unknown_procedure_version_or_unit(two_versions):
    catalog = load_catalog(two_versions)
    with pytest.raises(ProcedureNotFound, match=r"9\.999999"):
        catalog.current("9.999999")
    with pytest.raises(ProcedureNotFound, match="2024-01-01"):
        catalog.get("1.001612", "2024-01-01")
    with pytest.raises(ProcedureNotFound, match="2025-01-01"):
        catalog.current("1.001612", on=date(2025, 1, 1))
    with pytest.raises(ProcedureNotFound, match="XYZ"):
        catalog.unit("XYZ")


# --- mistakes in the files -----------------------------------------------------------------


def test_unknown_key(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["fee"].update(amout=5))
    assert message == ("Thủ tục 1.001612 (1.001612.yaml): fee.amout là khóa không được phép"
                       " / is an unknown key")


def test_missing_field(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d.pop("sets"))
    assert "Thủ tục 1.001612 (1.001612.yaml): sets bị thiếu" in message
    assert "/ is missing" in message


def test_unknown_unit_in_a_step(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["workflow"][2].update(unit="XYZ"))
    assert message == ("Thủ tục 1.001612 (1.001612.yaml): workflow[2].unit 'XYZ' không tồn tại"
                       " / unknown unit 'XYZ'")


@pytest.mark.parametrize(("unit", "said"), [
    ("QUAY9", ["(1.001612.yaml): receiving_unit 'QUAY9' không tồn tại",
               "workflow[3].unit 'QUAY9' không tồn tại"]),
    ("KT", ["receiving_unit 'KT' không phải bộ phận tiếp nhận", "is not a reception unit"]),
])
def test_the_receiving_unit_must_exist_and_be_a_reception_unit(tmp_catalog, unit, said):
    def change(d):
        d["receiving_unit"] = d["workflow"][0]["unit"] = d["workflow"][-1]["unit"] = unit
    message = broken(tmp_catalog, change)
    assert all(part in message for part in said), message


def test_first_and_last_step_are_at_the_desk_with_a_clerk(tmp_catalog):
    def change(d):
        d["workflow"][0]["unit"] = "KT"
        d["workflow"][-1]["roles"] = ["officer"]
    message = broken(tmp_catalog, change)
    assert "workflow[0].unit 'KT' phải là đơn vị tiếp nhận 'MOTCUA'" in message
    assert "workflow[3].roles phải có vai trò clerk" in message


def test_step_times_must_sum_to_the_processing_time(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["workflow"][1].update(time=2.5))
    assert message == (
        "Thủ tục 1.001612 (1.001612.yaml): workflow[*].time tổng thời gian các bước là 4, "
        "khác processing_time.amount 3 / step times sum to 4, not processing_time.amount 3")


def test_invalid_role(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["workflow"][1].update(roles=["officer", "boss"]))
    assert ("workflow[1].roles[1] 'boss' phải là một trong 'clerk', 'officer' hoặc 'leader' / "
            "must be one of 'clerk', 'officer' or 'leader'") in message


def test_badly_formatted_codes_are_explained_in_words(tmp_catalog):
    def change(d):
        d["field"]["code"] = "Hộ KD"
        d["workflow"][1]["unit"] = "kt"
    message = broken(tmp_catalog, change)
    assert ("field.code 'Hộ KD' sai định dạng, cần chữ thường không dấu, số, gạch nối "
            "(vd. ho-tich) / must be lower-case letters, digits and dashes") in message
    assert "workflow[1].unit 'kt' sai định dạng, cần chữ in hoa không dấu (vd. MOTCUA)" in message


def test_repeated_role_document_and_channel(tmp_catalog):
    def change(d):
        d["workflow"][1]["roles"] = ["officer", "officer"]
        d["documents"][1]["id"] = d["documents"][0]["id"]
        d["result_channels"] = ["counter", "counter"]
    message = broken(tmp_catalog, change)
    assert "workflow[1].roles[1] 'officer' bị lặp" in message
    assert "documents[1].id 'giay-de-nghi' bị lặp / duplicate 'giay-de-nghi'" in message
    assert "result_channels[1] 'counter' bị lặp" in message


def test_fee_with_thousands_separator_is_refused(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["fee"].update(amount=100.0))  # YAML 100.000
    assert "fee.amount 100.0 phải là số nguyên" in message


def test_free_procedure_cannot_be_charged_at_intake(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d["fee"].update(amount=0))
    assert "fee.when 'at_intake' không khớp fee.amount 0" in message


def test_unquoted_code_is_explained(tmp_catalog):
    path = tmp_catalog / "procedures" / "1.001612.yaml"
    path.write_text(path.read_text("utf-8").replace('code: "1.001612"', "code: 1.001612"),
                    "utf-8")
    with pytest.raises(CatalogError, match=r"code 1\.001612 phải là chuỗi \(đặt trong dấu nháy"):
        load_catalog(tmp_catalog)


def test_code_must_match_the_file_name(tmp_catalog):
    message = broken(tmp_catalog, lambda d: d.update(code="1.001613"))
    assert "Thủ tục 1.001613 (1.001612.yaml): code '1.001613' không khớp tên tệp" in message


def test_bad_yaml_names_file_and_line(tmp_catalog):
    path = tmp_catalog / "procedures" / "1.001612.yaml"
    path.write_text('code: "1.001612"\nversion: 2025-07-01\n  name: thụt lề sai\n', "utf-8")
    with pytest.raises(CatalogError) as caught:
        load_procedure(path)
    assert str(caught.value).startswith("Tệp 1.001612.yaml dòng 3, cột 7: lỗi cú pháp YAML / "
                                        "YAML syntax error: ")


def test_repeated_key_names_file_and_line(tmp_catalog):
    path = tmp_catalog / "procedures" / "1.001612.yaml"
    path.write_text(path.read_text("utf-8") + "sets: 2\n", "utf-8")
    lines = path.read_text("utf-8").count("\n")
    with pytest.raises(CatalogError) as caught:
        load_procedure(path)
    assert str(caught.value) == (f"Tệp 1.001612.yaml dòng {lines}, cột 1: khóa 'sets' bị lặp"
                                 " / duplicate key 'sets'")


def test_duplicate_version_names_both_files(tmp_catalog):
    folder = tmp_catalog / "procedures"
    shutil.copy(folder / "1.001612.yaml", folder / "1.001612@2025-07-01.yaml")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_catalog)
    assert str(caught.value) == (
        "Thủ tục 1.001612 (1.001612@2025-07-01.yaml): version 2025-07-01 trùng với tệp "
        "1.001612.yaml / duplicate version 2025-07-01 (also in 1.001612.yaml)")


def test_every_broken_file_is_reported_at_once(tmp_catalog):
    data = shipped_data("1.001193")
    data["workflow"][1]["unit"] = "XYZ"
    write_yaml(tmp_catalog / "procedures" / "1.001193.yaml", data)
    message = broken(tmp_catalog, lambda d: d.pop("fee"))
    assert len(message.splitlines()) == 2
    assert "(1.001193.yaml): workflow[1].unit 'XYZ'" in message
    assert "(1.001612.yaml): fee bị thiếu" in message


def test_units_file_mistakes(tmp_catalog):
    path = tmp_catalog / "units.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["units"][1]["code"] = "MOTCUA"
    data["units"][2]["kind"] = "office"
    write_yaml(path, data)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_catalog)
    assert str(caught.value).startswith("Danh mục đơn vị (units.yaml): units[2].kind 'office'")
    data["units"][2]["kind"] = "department"
    write_yaml(path, data)
    with pytest.raises(CatalogError, match=r"units\[1\]\.code 'MOTCUA' bị lặp"):
        load_catalog(tmp_catalog)


def test_a_site_needs_a_one_stop_desk(tmp_catalog):
    path = tmp_catalog / "units.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["units"] = [u for u in data["units"] if u["kind"] != "reception"]
    write_yaml(path, data)
    with pytest.raises(CatalogError, match="cần ít nhất một đơn vị kind: reception"):
        load_units(path)


def test_missing_files_and_folders(tmp_path, tmp_catalog):
    with pytest.raises(CatalogError, match=r"units\.yaml: không tìm thấy / file not found"):
        load_catalog(tmp_path)
    for path in (tmp_catalog / "procedures").iterdir():
        path.unlink()
    with pytest.raises(CatalogError, match="không có thủ tục nào / no procedure files"):
        load_catalog(tmp_catalog)


def test_an_empty_file_is_not_a_procedure(tmp_catalog):
    path = tmp_catalog / "procedures" / "1.001612.yaml"
    path.write_text("# nothing yet\n", "utf-8")
    with pytest.raises(CatalogError, match=r"\(1\.001612\.yaml\): phải là một nhóm khóa"):
        load_procedure(path)


# --- snapshots -----------------------------------------------------------------------------


def test_every_procedure_round_trips_through_a_json_snapshot(catalog):
    for procedure in catalog.procedures.values():
        snapshot = json.loads(json.dumps(procedure.model_dump(mode="json")))
        assert Procedure.from_snapshot(snapshot) == procedure
        assert Procedure.from_snapshot(snapshot).model_dump(mode="json") == snapshot


def test_a_snapshot_survives_a_removed_unit(catalog):
    snapshot = catalog.current("1.001612").model_dump(mode="json")
    snapshot["workflow"][1]["unit"] = "PHONG_CU"  # a department since merged away
    assert Procedure.from_snapshot(snapshot).workflow[1].unit == "PHONG_CU"


def test_a_corrupt_snapshot_is_refused_with_a_clear_message(catalog):
    snapshot = catalog.current("1.001612").model_dump(mode="json")
    snapshot["processing_time"]["amount"] = 5
    with pytest.raises(CatalogError, match=r"Thủ tục 1\.001612 \(bản lưu / snapshot\): "
                                           r"workflow\[\*\]\.time"):
        Procedure.from_snapshot(snapshot)


def test_procedures_are_immutable(catalog):
    procedure = catalog.current("1.001612")
    with pytest.raises(ValidationError):
        procedure.name = "khác"
    assert isinstance(procedure.workflow, tuple)
    assert hash(procedure) == hash(Procedure.from_snapshot(procedure.model_dump(mode="json")))
