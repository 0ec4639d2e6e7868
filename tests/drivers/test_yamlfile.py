"""One strict YAML reader for hardware profiles and the procedure catalogue: a repeated key is
refused at its line in both, in the same words."""

from __future__ import annotations

import shutil

import pytest
import yaml

from backend.domain.procedures import DEFAULT_CATALOG_DIR, CatalogError, load_procedure
from drivers import yamlfile
from drivers.profiles import DEFAULT_ROOT, ProfileError, load_profiles


def test_lines_are_kept_and_a_repeated_key_is_refused():
    data = yamlfile.load("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert data == {"a": 1, "b": ["x", {"c": 2}]}
    assert data.lines == {"a": 1, "b": 2} and data["b"].lines == [3, 4]
    with pytest.raises(yamlfile.DuplicateKey) as bad:
        yamlfile.load("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert yamlfile.position(bad.value) == (4, 3)
    assert yamlfile.explain(bad.value) == ("khóa 'c' bị lặp", "duplicate key 'c'")
    with pytest.raises(yaml.YAMLError):
        yamlfile.load("!!python/object:os.system {}\n")  # safe: no arbitrary objects


def test_procedures_and_profiles_refuse_a_repeated_key_alike(tmp_path):
    procedure = tmp_path / "1.001612.yaml"
    shutil.copy(DEFAULT_CATALOG_DIR / "procedures" / "1.001612.yaml", procedure)
    procedure.write_text(procedure.read_text("utf-8") + "code: \"1.001612\"\n", "utf-8")
    with pytest.raises(CatalogError) as catalog:
        load_procedure(procedure)
    root = tmp_path / "profiles"
    shutil.copytree(DEFAULT_ROOT, root)
    station = root / "stations" / "demo-fake.yaml"
    station.write_text(station.read_text("utf-8") + "platform: any\n", "utf-8")
    with pytest.raises(ProfileError) as profiles:
        load_profiles(root)
    assert "khóa 'code' bị lặp / duplicate key 'code'" in str(catalog.value)
    assert "khóa 'platform' bị lặp / line" in str(profiles.value)
    assert "duplicate key 'platform'" in str(profiles.value)
