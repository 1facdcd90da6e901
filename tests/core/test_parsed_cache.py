"""The parsed cache (core/scenario/parsed_cache.py): a file read again comes from its kept
document, with the very scenario, values and messages a fresh YAML parse gives; a changed
file, a damaged cache file or a folder that cannot be written only mean the YAML is read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.errors import ScenarioError
from core.scenario import parsed_cache
from core.scenario.catalog import bundled_dir
from core.scenario.load import load_scenario
from core.scenario.save import scenario_data

ROOT = Path(__file__).resolve().parents[2]


def same_scenario(a, b) -> None:
    assert scenario_data(a, Path("x.yaml")) == scenario_data(b, Path("x.yaml"))
    assert a.expected == b.expected and a.name == b.name
    assert all(np.array_equal(a.params[lay][k], b.params[lay][k]) for lay in a.params for k in a.params[lay])


def copy_of(name: str, folder: Path) -> Path:
    target = folder / f"{name}.yaml"
    target.write_text((bundled_dir() / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return target


def kept() -> list[Path]:
    folder = parsed_cache.cache_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("name", ["tiny-cnn", "xor-tanh", "digits", "batchnorm-tiny", "residual-block",
                                  "adam-step", "dropout-tiny"])
def test_a_file_read_again_is_the_same_scenario_from_its_kept_document(name: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = bundled_dir() / f"{name}.yaml"
    fresh = load_scenario(path)
    assert len(kept()) == 1
    read = []
    monkeypatch.setattr("core.scenario.yaml_source.read_yaml", lambda *a: read.append(a))  # must not be asked
    again = load_scenario(path)
    assert read == []
    same_scenario(fresh, again)


def test_the_kept_document_keeps_types_and_the_text_of_expected_values(tmp_path: Path) -> None:
    path = copy_of("tiny-cnn", tmp_path)
    first = load_scenario(path)
    stored = json.loads(kept()[0].read_text(encoding="utf-8"))
    assert type(stored["data"]["learning_rate"]) is float and type(stored["data"]["format"]) is int
    again = load_scenario(path)
    assert again.expected == first.expected  # each with its decimals and text as written (0.0000 …)
    assert any(e.text.endswith("0000") for e in again.expected.values())


def test_a_changed_file_is_read_afresh(tmp_path: Path) -> None:
    path = copy_of("tiny-cnn", tmp_path)
    assert load_scenario(path).learning_rate == 0.5
    path.write_text(path.read_text(encoding="utf-8").replace("learning_rate: 0.5", "learning_rate: 0.25"),
                    encoding="utf-8")
    assert load_scenario(path).learning_rate == 0.25
    assert len(kept()) == 2  # one per text


DAMAGED = ["{not json", '{"format": "other", "data": {}, "tree": null}',
           '{"format": "%s", "data": {"format": 1}, "tree": [1, {"a": "x"}, null, null, null]}',
           '{"format": "%s", "data": {}, "tree": ["one", null, null, null, null]}',
           '{"format": "%s"}', "[]", "", "COPY"]


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_cache_file_only_means_the_yaml_is_read(damage: str, tmp_path: Path) -> None:
    path = copy_of("tiny-cnn", tmp_path)
    fresh = load_scenario(path)
    if damage == "COPY":  # another text's document, copied under this one's name
        other = tmp_path / "other.yaml"
        other.write_text(path.read_text(encoding="utf-8").replace("0.5", "0.25"), encoding="utf-8")
        load_scenario(other)
        folder = parsed_cache.cache_dir()
        mine, theirs = (folder / parsed_cache._name(f.read_text(encoding="utf-8")) for f in (path, other))
        mine.write_text(theirs.read_text(encoding="utf-8"), encoding="utf-8")
    else:
        kept()[0].write_text(damage.replace("%s", parsed_cache.FORMAT), encoding="utf-8")
    again = load_scenario(path)
    same_scenario(fresh, again)


def test_a_cache_folder_that_cannot_be_written_costs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    path = copy_of("tiny-cnn", tmp_path)
    same_scenario(load_scenario(path), load_scenario(path))
    assert list(tmp_path.glob(".*.tmp")) == []


def test_a_file_with_a_mistake_says_the_same_from_its_kept_document(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = (bundled_dir() / "tiny-cnn.yaml").read_text(encoding="utf-8").replace("learning_rate: 0.5",
                                                                                   "learning_rate: -1")
    path.write_text(text, encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        messages.append(str(caught.value))
    line = text[:text.index("learning_rate: -1")].count("\n") + 1
    assert len(kept()) == 1 and messages[0] == messages[1] and f"bad.yaml:{line}: learning_rate" in messages[0]


def test_only_the_newest_files_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsed_cache, "KEEP", 3)
    path = copy_of("tiny-cnn", tmp_path)
    text = path.read_text(encoding="utf-8")
    for rate in ("0.1", "0.2", "0.3", "0.4", "0.5"):
        path.write_text(text.replace("learning_rate: 0.5", f"learning_rate: {rate}"), encoding="utf-8")
        load_scenario(path)
    assert len(kept()) == 3


def test_a_value_json_cannot_hold_exactly_is_not_kept() -> None:
    from core.scenario.document import YamlDocument

    parsed_cache.keep("a: 1\n", YamlDocument({"a": (1, 2)}, None))  # a tuple would come back a list
    assert kept() == []


def test_a_launch_on_a_file_read_before_imports_no_yaml(tmp_path: Path) -> None:
    path = copy_of("tiny-cnn", tmp_path)
    code = ("import sys; from core.scenario.load import load_scenario; load_scenario(sys.argv[1]); "
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]


def test_a_temporary_file_a_killed_write_left_goes_once_it_is_old(tmp_path: Path) -> None:
    import os
    import time

    folder = parsed_cache.cache_dir()
    folder.mkdir(parents=True)
    old, young = folder / ".abc.tmp", folder / ".def.tmp"
    for left in (old, young):
        left.write_text("{")
    hour_ago = time.time() - 7200
    os.utime(old, (hour_ago, hour_ago))
    load_scenario(copy_of("tiny-cnn", tmp_path))
    assert not old.exists() and young.exists()


def test_a_changed_reader_does_not_take_what_an_older_one_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of("tiny-cnn", tmp_path)
    load_scenario(path)
    monkeypatch.setattr(parsed_cache, "FORMAT", parsed_cache.FORMAT + " (a newer reader)")
    read = []
    original = parsed_cache.keep
    monkeypatch.setattr(parsed_cache, "keep", lambda text, doc: read.append(text) or original(text, doc))
    load_scenario(path)
    assert len(read) == 1 and len(kept()) == 2  # parsed again, and kept under the new name


def test_a_document_used_again_is_pruned_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(parsed_cache, "KEEP", 2)
    first = copy_of("tiny-cnn", tmp_path)
    second = tmp_path / "second.yaml"
    second.write_text(first.read_text(encoding="utf-8").replace("0.5", "0.25"), encoding="utf-8")
    load_scenario(first)
    load_scenario(second)
    for f in kept():
        os.utime(f, (1, 1))  # both long unused
    load_scenario(first)  # used again: newest
    third = tmp_path / "third.yaml"
    third.write_text(first.read_text(encoding="utf-8").replace("0.5", "0.125"), encoding="utf-8")
    load_scenario(third)
    names = {f.name for f in kept()}
    assert parsed_cache._name(first.read_text(encoding="utf-8")) in names
    assert parsed_cache._name(second.read_text(encoding="utf-8")) not in names
