"""Issue 17: one loader of the packaged YAML data files (``worker.common.data``)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from worker.common.data import read_list, read_mapping
from worker.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """A throwaway importable package to hold data files (the loader reads package resources)."""
    name = f"remon_data_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / name
    (folder / "data").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    return name, folder


def test_reads_mappings_and_lists_and_names_a_bad_file(package: tuple[str, Path]) -> None:
    name, folder = package
    (folder / "data" / "words.yaml").write_text("en: [export, licence]\nzh: [出口]\n", encoding="utf-8")
    (folder / "data" / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (folder / "data" / "empty.yaml").write_text("", encoding="utf-8")
    (folder / "data" / "broken.yaml").write_text("en: [export\n", encoding="utf-8")
    words = read_mapping(name, "data/words.yaml")
    assert words == {"en": ["export", "licence"], "zh": ["出口"]}
    words.pop("en")  # a fresh copy: the cache keeps its keys
    assert "en" in read_mapping(name, "data/words.yaml")
    assert read_list(name, "data/list.yaml") == ["a", "b"]
    assert read_mapping(name, "data/empty.yaml") == {} and read_list(name, "data/empty.yaml") == []
    with pytest.raises(ConfigError, match=r"data/broken.yaml is not valid YAML") as bad:
        read_mapping(name, "data/broken.yaml")
    assert bad.value.resource == "data/broken.yaml"
    with pytest.raises(ConfigError, match=r"data/list.yaml must be a mapping"):
        read_mapping(name, "data/list.yaml")
    with pytest.raises(ConfigError, match=r"data/words.yaml must be a list"):
        read_list(name, "data/words.yaml")


def test_the_shipped_files_read_through_it() -> None:
    from remon.demo import load_timeline
    from worker.extract.resources import read_data
    from worker.sources.defaults import load_default_sources

    assert read_data("cues.yaml")
    assert load_default_sources() and all("name" in s for s in load_default_sources())
    assert set(load_timeline()) >= {"sources", "steps"}


# Parsing YAML anywhere else: the user's watch file (its own error codes, TOML too) and, until the
# alert gate work settles (issue 17 step 3 kept worker/alert/* to import edits), the alert labels.
KNOWN_OTHER_PARSERS = {"worker/config.py", "worker/alert/render.py"}


def test_no_other_yaml_parser() -> None:
    found = set()
    for top in ("worker", "storage", "tasks", "remon"):
        for path in (ROOT / top).rglob("*.py"):
            if re.search(r"\byaml\.(safe_)?load\(", path.read_text(encoding="utf-8")):
                found.add(str(path.relative_to(ROOT)))
    assert found - {"worker/common/data.py"} == KNOWN_OTHER_PARSERS
