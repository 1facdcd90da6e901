"""Issue 8, "Saving destroys data": no save may lose a byte a user had.

Each case seen on main is a regression test here: the scenario's own sample file, a
user's npz beside the YAML, symbolic links, FIFOs, sockets, device nodes, folders, empty
and over-long names, missing and read-only folders, permissions and owners, temporary
files on every failure path and after a killed save.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.helpers import wide_dense_yaml

import core.scenario.save as scenario_save
from core.engine.scenario import SampleSet
from core.errors import CnnTuiError, SaveError
from core.exports.formats import write_atomically
from core.scenario.atomic import STALE_AFTER, remove_stale_temps, temp_pattern, write_file
from core.scenario.catalog import bundled_dir
from core.scenario.load import load_scenario, parse_scenario
from core.scenario.save import INLINE_LIMIT, plan_save, save_scenario, source_files, write_scenario
from core.scenario.targets import TEMP_EXTRA, check_target

ROOT = os.geteuid() == 0
BIG_YAML = wide_dense_yaml(0.0, 0, 3)


def _age(path: Path) -> None:
    """Set a file's times back past the margin that marks a temporary file as left by a killed save."""
    old = time.time() - STALE_AFTER - 60
    os.utime(path, (old, old))


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _old_file(tmp_path: Path, name: str = "s.yaml") -> tuple[Path, bytes]:
    path = tmp_path / name
    path.write_text(W.YAML, encoding="utf-8")
    return path, path.read_bytes()


def _digits_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "dig"
    shutil.copytree(bundled_dir(), folder, ignore=shutil.ignore_patterns("__*", "*.py"))
    return folder / "digits.yaml"


def _big_inline(rows: int = 4100, seed: int = 1) -> tuple:
    """A scenario whose samples are held inline (no npz of their own) and too many to
    write inline: a save must put them in an npz file beside the YAML."""
    rng = np.random.default_rng(seed)
    x = rng.random((rows, 50))
    labels = rng.integers(0, 2, rows)
    scenario = parse_scenario(BIG_YAML)
    scenario.samples = SampleSet(x=x, y=np.eye(2)[labels], labels=labels)
    assert x.size + 2 * rows > INLINE_LIMIT
    return scenario, x


# --- files the scenario reads ---------------------------------------------------------------

@pytest.mark.parametrize("field, name", [("samples", "digits-train.npz"), ("test_samples", "digits-test.npz")])
def test_saving_onto_the_scenarios_own_sample_file_is_refused(tmp_path: Path, field: str, name: str) -> None:
    scenario = load_scenario(_digits_copy(tmp_path))
    npz = tmp_path / "dig" / "data" / name
    before = npz.read_bytes()
    with pytest.raises(SaveError, match=f"the scenario's sample file {name}: writing here would destroy it"):
        save_scenario(scenario, npz)
    with pytest.raises(SaveError, match="sample file"):
        plan_save(scenario, npz)  # what `train --save` checks before training
    assert npz.read_bytes() == before
    assert _names(npz.parent) == sorted(["digits-train.npz", "digits-test.npz", "DIGITS-LICENSE.md"])
    assert load_scenario(tmp_path / "dig" / "digits.yaml").samples.x.shape[0] > 0


def test_a_hard_link_or_symlink_to_a_sample_file_is_refused_too(tmp_path: Path) -> None:
    scenario = load_scenario(_digits_copy(tmp_path))
    npz = tmp_path / "dig" / "data" / "digits-train.npz"
    before = npz.read_bytes()
    os.link(npz, tmp_path / "hard.yaml")
    (tmp_path / "soft.yaml").symlink_to(npz)
    for alias in ("hard.yaml", "soft.yaml"):
        with pytest.raises(SaveError, match="sample file digits-train.npz"):
            save_scenario(scenario, tmp_path / alias)
    assert npz.read_bytes() == before and (tmp_path / "soft.yaml").is_symlink()


def test_an_export_never_overwrites_the_scenario_it_came_from(tmp_path: Path) -> None:
    path, before = _old_file(tmp_path)
    scenario = load_scenario(path)
    with pytest.raises(SaveError, match="the scenario file s.yaml"):
        write_atomically(path, "# not a scenario\n", reads=source_files(scenario))
    assert path.read_bytes() == before


# --- sample files beside the YAML -------------------------------------------------------------

def test_a_users_npz_beside_the_target_is_never_overwritten(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    theirs = tmp_path / "copy.samples.npz"
    np.savez(theirs, x=np.ones((3, 50)), y=np.array([0, 1, 0]))
    before = theirs.read_bytes()
    saved = write_scenario(scenario, tmp_path / "copy.yaml")
    assert theirs.read_bytes() == before
    assert saved.notes == ("samples written to copy.samples-2.npz, because copy.samples.npz already "
                           "exists and was left as it is",)
    assert "samples:\n  file: copy.samples-2.npz\n" in (tmp_path / "copy.yaml").read_text()
    np.testing.assert_array_equal(load_scenario(tmp_path / "copy.yaml").samples.x, x)
    assert _names(tmp_path) == ["copy.samples-2.npz", "copy.samples.npz", "copy.yaml"]


def test_saving_again_alternates_names_and_removes_only_its_own_unchanged_npz(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    path = tmp_path / "copy.yaml"
    saved = write_scenario(scenario, path)
    assert _names(tmp_path) == ["copy.samples.npz", "copy.yaml"]
    saved = write_scenario(scenario, path, replaces=saved)  # the same session saves again: no pile-up
    assert "copy.samples-2.npz" in saved.notes[0]
    assert _names(tmp_path) == ["copy.samples-2.npz", "copy.yaml"]  # the first was ours, untouched since
    saved = write_scenario(scenario, path, replaces=saved)
    assert _names(tmp_path) == ["copy.samples.npz", "copy.yaml"]
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    os.utime(tmp_path / "copy.samples.npz", ns=(0, 0))  # touched since: not ours to remove any more
    (tmp_path / "copy.samples-2.npz").mkdir()  # anything at a name counts as taken, even a folder
    saved = write_scenario(scenario, path, replaces=saved)
    assert "copy.samples-3.npz" in saved.notes[0]
    assert _names(tmp_path) == ["copy.samples-2.npz", "copy.samples-3.npz", "copy.samples.npz", "copy.yaml"]
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)


def test_without_proof_of_its_own_earlier_save_nothing_is_removed(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    path = tmp_path / "copy.yaml"
    save_scenario(scenario, path)
    save_scenario(scenario, path)  # no earlier save given: the first npz stays (another file may use it)
    assert _names(tmp_path) == ["copy.samples-2.npz", "copy.samples.npz", "copy.yaml"]
    saved = write_scenario(scenario, path)
    path.write_text(path.read_text() + "# edited by hand\n")  # the file is no longer the one saved
    write_scenario(scenario, path, replaces=saved)
    assert "copy.samples-3.npz" in _names(tmp_path)
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)


def test_opening_a_saved_file_and_saving_it_keeps_its_npz(tmp_path: Path) -> None:
    """The reviewer's data loss: save → open → save deleted the npz the file refers to."""
    scenario, x = _big_inline()
    path = tmp_path / "s.yaml"
    saved = write_scenario(scenario, path)
    opened = load_scenario(path)  # as the open dialog does: its samples now come from s.samples.npz
    assert opened.samples.source == (tmp_path / "s.samples.npz").resolve()
    again = write_scenario(opened, path, replaces=saved)
    assert _names(tmp_path) == ["s.samples.npz", "s.yaml"]
    assert "samples:\n  file: s.samples.npz\n" in path.read_text()
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    write_scenario(load_scenario(path), path, replaces=again)  # and once more
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    assert _names(tmp_path) == ["s.samples.npz", "s.yaml"]


def test_samples_whose_npz_a_later_save_removed_are_written_anew(tmp_path: Path) -> None:
    """Undo (or reset) after saving edited samples brings back samples that named an npz the
    edited save removed: saving them writes the npz again rather than naming a missing file."""
    scenario, x = _big_inline()
    path = tmp_path / "s.yaml"
    first = write_scenario(scenario, path)
    opened = load_scenario(path)  # samples from s.samples.npz
    edited = opened.copy()
    edited.samples = SampleSet(x=x + 1.0, y=opened.samples.y, labels=opened.samples.labels)
    second = write_scenario(edited, path, replaces=first)
    assert _names(tmp_path) == ["s.samples-2.npz", "s.yaml"]  # the first npz was an orphan of ours
    write_scenario(opened, path, replaces=second)  # the undone samples: their npz is gone
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    assert _names(tmp_path) == ["s.samples.npz", "s.yaml"]


def test_a_fresh_session_opening_and_saving_keeps_the_npz(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    path = tmp_path / "s.yaml"
    save_scenario(scenario, path)
    save_scenario(load_scenario(path), path)  # open → save
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    assert _names(tmp_path) == ["s.samples.npz", "s.yaml"]


def test_saved_names_the_npz_files_the_file_now_refers_to(tmp_path: Path) -> None:
    scenario, _ = _big_inline()
    saved = write_scenario(scenario, tmp_path / "s.yaml")
    npz = (tmp_path / "s.samples.npz").resolve()
    assert saved.sample_files == {"samples": scenario_save.SampleFile("s.samples.npz", npz)}
    loaded = load_scenario(tmp_path / "s.yaml")
    assert (loaded.samples.file, loaded.samples.source) == ("s.samples.npz", npz)
    assert write_scenario(parse_scenario(W.YAML), tmp_path / "small.yaml").sample_files == {}


def test_a_failed_second_save_keeps_the_npz_the_old_file_needs(tmp_path: Path, monkeypatch) -> None:
    scenario, x = _big_inline()
    path = tmp_path / "copy.yaml"
    saved = write_scenario(scenario, path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scenario_save.os, "replace", broken_replace)
    with pytest.raises(SaveError, match="No space left"):
        write_scenario(scenario, path, replaces=saved)
    assert path.read_bytes() == before and _names(tmp_path) == ["copy.samples.npz", "copy.yaml"]
    np.testing.assert_array_equal(load_scenario(path).samples.x, x)


def test_an_npz_written_for_another_file_is_never_removed(tmp_path: Path) -> None:
    scenario, _ = _big_inline()
    a = write_scenario(scenario, tmp_path / "a.yaml")
    b = write_scenario(scenario, tmp_path / "b.yaml", replaces=a)
    write_scenario(scenario, tmp_path / "b.yaml", replaces=b)
    assert _names(tmp_path) == ["a.samples.npz", "a.yaml", "b.samples-2.npz", "b.yaml"]
    assert len(load_scenario(tmp_path / "a.yaml").samples) == 4100


def test_a_failed_save_removes_the_npz_it_created_and_nothing_else(tmp_path: Path, monkeypatch) -> None:
    scenario, _ = _big_inline()
    path, before = _old_file(tmp_path, "copy.yaml")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scenario_save.os, "replace", broken_replace)  # the YAML's rename fails
    with pytest.raises(SaveError, match="copy.yaml: cannot write the file: No space left on device"):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert _names(tmp_path) == ["copy.yaml"]


def test_an_interrupt_while_writing_samples_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    scenario, _ = _big_inline()
    path, before = _old_file(tmp_path, "copy.yaml")

    def interrupted(handle, **arrays):
        handle.write(b"PK\x03\x04 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(scenario_save.np, "savez_compressed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_scenario(scenario, path)
    assert path.read_bytes() == before
    assert _names(tmp_path) == ["copy.yaml"]


def test_an_interrupt_while_checking_the_result_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    import core.scenario.load as scenario_load

    scenario, _ = _big_inline()
    path, before = _old_file(tmp_path, "copy.yaml")
    seen: list[str] = []

    def interrupted(text, **kwargs):
        seen.extend(_names(tmp_path))  # the npz's temporary file exists while its YAML is checked
        raise KeyboardInterrupt

    monkeypatch.setattr(scenario_load, "parse_scenario", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_scenario(scenario, path)
    assert any(name.startswith(".copy.samples.npz.") and name.endswith(".tmp") for name in seen)
    assert path.read_bytes() == before and _names(tmp_path) == ["copy.yaml"]


def test_an_over_long_name_for_the_npz_is_refused_before_writing(tmp_path: Path) -> None:
    scenario, _ = _big_inline()
    limit = 255 - TEMP_EXTRA
    path = tmp_path / ("n" * (limit - len(".yaml")) + ".yaml")  # fits; its .samples.npz does not
    with pytest.raises(SaveError, match=r"the npz file for its samples beside it, …n+\.samples\.npz: the file "
                                        "name is too long"):
        plan_save(scenario, path)
    assert _names(tmp_path) == []


# --- symbolic links ---------------------------------------------------------------------------

def test_saving_onto_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real, before = _old_file(real_dir)
    link = tmp_path / "link.yaml"
    link.symlink_to(os.path.relpath(real, tmp_path))
    scenario = load_scenario(link)
    scenario.learning_rate = 0.125
    assert save_scenario(scenario, link) == link
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "s.yaml")
    assert real.read_bytes() != before
    assert load_scenario(real).learning_rate == 0.125 and load_scenario(link).learning_rate == 0.125
    assert _names(real_dir) == ["s.yaml"] and _names(tmp_path) == ["link.yaml", "real"]


def _linked(tmp_path: Path) -> tuple[Path, Path]:
    """``l/s.yaml`` → ``../r/deep/s.yaml``: a link in another folder than its file."""
    (tmp_path / "l").mkdir()
    (tmp_path / "r" / "deep").mkdir(parents=True)
    real = tmp_path / "r" / "deep" / "s.yaml"
    link = tmp_path / "l" / "s.yaml"
    link.symlink_to(os.path.join("..", "r", "deep", "s.yaml"))
    return link, real


def test_npz_files_saved_through_a_link_are_named_from_the_real_files_folder(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    link, real = _linked(tmp_path)
    saved = write_scenario(scenario, link)
    assert _names(real.parent) == ["s.samples.npz", "s.yaml"] and _names(link.parent) == ["s.yaml"]
    assert "samples:\n  file: s.samples.npz\n" in real.read_text()
    for path in (link, real):
        np.testing.assert_array_equal(load_scenario(path).samples.x, x)
    assert saved.sample_files["samples"].source == (real.parent / "s.samples.npz").resolve()
    digits = load_scenario(_digits_copy(tmp_path))  # samples from an npz elsewhere: a path from the real folder
    write_scenario(digits, link)
    assert "file: ../../dig/data/digits-train.npz" in real.read_text()
    for path in (link, real):
        np.testing.assert_array_equal(load_scenario(path).samples.x, digits.samples.x)


def test_a_file_opened_through_a_link_finds_its_npz_beside_the_real_file(tmp_path: Path) -> None:
    scenario, x = _big_inline()
    link, real = _linked(tmp_path)
    save_scenario(scenario, real)
    np.testing.assert_array_equal(load_scenario(link).samples.x, x)
    opened = load_scenario(link)
    save_scenario(opened, link)  # open through the link and save: still the same npz
    assert _names(real.parent) == ["s.samples.npz", "s.yaml"]
    np.testing.assert_array_equal(load_scenario(real).samples.x, x)


def test_a_chain_of_links_and_a_dangling_link_are_followed(tmp_path: Path) -> None:
    real, _ = _old_file(tmp_path)
    (tmp_path / "b.yaml").symlink_to(real)
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    scenario = load_scenario(real)
    scenario.learning_rate = 0.25
    save_scenario(scenario, tmp_path / "a.yaml")
    assert (tmp_path / "a.yaml").is_symlink() and (tmp_path / "b.yaml").is_symlink()
    assert load_scenario(real).learning_rate == 0.25
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "new.yaml")
    save_scenario(scenario, tmp_path / "dangling.yaml")
    assert (tmp_path / "dangling.yaml").is_symlink()
    assert load_scenario(tmp_path / "new.yaml").learning_rate == 0.25


def test_a_file_with_hard_links_is_refused_rather_than_split(tmp_path: Path) -> None:
    path, before = _old_file(tmp_path)
    os.link(path, tmp_path / "other-name.yaml")
    with pytest.raises(SaveError, match=r"s.yaml: this file has 2 names \(hard links\)"):
        save_scenario(load_scenario(path), path)
    assert path.read_bytes() == before and path.stat().st_ino == (tmp_path / "other-name.yaml").stat().st_ino


def test_a_looping_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    with pytest.raises(SaveError, match="symbolic link"):
        save_scenario(parse_scenario(W.YAML), tmp_path / "a.yaml")
    assert (tmp_path / "a.yaml").is_symlink() and (tmp_path / "b.yaml").is_symlink()


# --- special files: refused without being opened ----------------------------------------------

def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    # opening a FIFO with no reader for writing would block: the test would hang, not pass
    with pytest.raises(SaveError, match=r"pipe.yaml: this is a FIFO \(named pipe\), not a regular file"):
        save_scenario(parse_scenario(W.YAML), fifo)
    with pytest.raises(SaveError, match="FIFO"):
        write_atomically(fifo, "text")
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and _names(tmp_path) == ["pipe.yaml"]


def test_a_symlink_to_a_fifo_is_refused_and_both_stay(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "link.yaml").symlink_to(fifo)
    with pytest.raises(SaveError, match="link.yaml: this is a FIFO"):
        save_scenario(parse_scenario(W.YAML), tmp_path / "link.yaml")
    assert (tmp_path / "link.yaml").is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symlink_to_dev_null_is_refused(tmp_path: Path) -> None:
    """As root, `--save /dev/null` replaced /dev/null; the link to it is only checked here
    (check_target never writes), so the real /dev/null is never at risk in this test."""
    link = tmp_path / "null.yaml"
    link.symlink_to("/dev/null")
    before = os.lstat("/dev/null")
    with pytest.raises(SaveError, match="null.yaml: this is a character device, not a regular file"):
        check_target(link)
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sock"))  # a short path: socket names are limited to ~100 bytes
    try:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(folder / "s.yaml"))
        try:
            with pytest.raises(SaveError, match="this is a socket"):
                save_scenario(parse_scenario(W.YAML), folder / "s.yaml")
            assert stat.S_ISSOCK((folder / "s.yaml").lstat().st_mode)
        finally:
            server.close()
    finally:
        shutil.rmtree(folder)


def test_a_file_that_turns_into_a_fifo_after_the_check_is_left_alone(tmp_path: Path) -> None:
    target = check_target(tmp_path / "late.yaml")
    os.mkfifo(tmp_path / "late.yaml")
    with pytest.raises(SaveError, match="no longer a regular file"):
        write_file(target, lambda f: f.write(b"x"))
    assert stat.S_ISFIFO((tmp_path / "late.yaml").lstat().st_mode) and _names(tmp_path) == ["late.yaml"]


def test_a_file_that_appears_where_a_new_one_goes_is_not_replaced(tmp_path: Path) -> None:
    target = check_target(tmp_path / "new.npz")
    (tmp_path / "new.npz").write_bytes(b"theirs")
    with pytest.raises(SaveError, match="appeared"):
        write_file(target, lambda f: f.write(b"ours"), replace=False)
    assert (tmp_path / "new.npz").read_bytes() == b"theirs" and _names(tmp_path) == ["new.npz"]


# --- names and folders: one message each, before any work ----------------------------------

@pytest.mark.parametrize("make, expected", [
    (lambda t: "", "no file name given"),
    (lambda t: "   ", "no file name given"),
    (lambda t: str(t / ("a" * 300 + ".yaml")),
     f"the file name is too long: 305 characters, at most {255 - TEMP_EXTRA} here"),
    (lambda t: str(t / ("é" * 200 + ".yaml")), "the file name is too long: 405 bytes"),
    (lambda t: str(t / ("d" * 300) / "x.yaml"), "a folder name in this path is too long"),
    (lambda t: str(t / "nope" / "x.yaml"), "the folder .*nope does not exist"),
    (lambda t: str(t), "this is a folder: give a file name"),
    (lambda t: str(t) + "/", "this names a folder"),
    (lambda t: str(t / "file.txt" / "x.yaml"), "file.txt is not a folder"),
    (lambda t: str(t / "x\0.yaml"), "NUL"),
    (lambda t: "~no-such-user-here/x.yaml", "no such home folder"),
])
def test_bad_names_get_one_message(tmp_path: Path, make, expected: str) -> None:
    (tmp_path / "file.txt").write_text("mine")
    with pytest.raises(SaveError, match=expected) as info:
        save_scenario(parse_scenario(W.YAML), make(tmp_path))
    text = str(info.value)
    assert "\n" not in text and "Errno" not in text and "OSError" not in text
    assert len(text) < 300  # the 300-character name is quoted, bounded
    assert _names(tmp_path) == ["file.txt"] and (tmp_path / "file.txt").read_text() == "mine"


def test_long_names_are_quoted_not_repeated_whole(tmp_path: Path) -> None:
    with pytest.raises(SaveError) as info:
        check_target(tmp_path / ("a" * 300 + ".yaml"))
    assert "…aaaa" in str(info.value) and "a" * 100 not in str(info.value)


def test_the_longest_allowed_name_saves(tmp_path: Path) -> None:
    path = tmp_path / ("a" * (255 - TEMP_EXTRA - len(".yaml")) + ".yaml")
    save_scenario(parse_scenario(W.YAML), path)
    assert load_scenario(path).name == parse_scenario(W.YAML).name


def _as_nobody(check) -> None:
    """Run ``check`` with the permissions of an ordinary user (as root: effective uid
    'nobody' for the moment of the check; else as is)."""
    if not ROOT:
        check()
        return
    os.seteuid(65534)
    try:
        check()
    finally:
        os.seteuid(0)


def test_a_read_only_folder_and_a_read_only_file_are_refused() -> None:
    folder = Path(tempfile.mkdtemp(prefix="ro"))  # searchable by everyone, unlike tmp_path's parents
    try:
        folder.chmod(0o755)
        locked = folder / "locked"
        locked.mkdir(mode=0o555)
        locked.chmod(0o555)
        mine = folder / "open"
        mine.mkdir()
        mine.chmod(0o777)
        kept = mine / "kept.yaml"
        kept.write_text(W.YAML, encoding="utf-8")
        kept.chmod(0o444)

        def check() -> None:
            with pytest.raises(SaveError, match="locked is read-only here: choose another folder"):
                check_target(locked / "x.yaml")
            with pytest.raises(SaveError, match="kept.yaml: the file is read-only"):
                check_target(kept)

        _as_nobody(check)
        assert _names(locked) == [] and kept.read_text(encoding="utf-8") == W.YAML
    finally:
        for sub in folder.iterdir():
            sub.chmod(0o755)
        shutil.rmtree(folder)


def test_every_save_error_is_a_cnn_tui_error() -> None:
    assert issubclass(SaveError, CnnTuiError)


# --- permissions, owner, temporary files ----------------------------------------------------

def test_replacing_keeps_permissions(tmp_path: Path) -> None:
    path, _ = _old_file(tmp_path)
    path.chmod(0o640)
    mask = os.umask(0o077)
    try:
        save_scenario(load_scenario(path), path)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_permissions(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        path = save_scenario(parse_scenario(W.YAML), tmp_path / "new.yaml")
        written = write_atomically(tmp_path / "new.md", "text")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and stat.S_IMODE(written.stat().st_mode) == 0o640


@pytest.mark.skipif(not ROOT, reason="only root can give a file to another owner")
def test_replacing_keeps_the_owner(tmp_path: Path) -> None:
    path, _ = _old_file(tmp_path)
    os.chown(path, 1234, 4321)
    path.chmod(0o604)
    save_scenario(load_scenario(path), path)
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1234, 4321, 0o604)


def test_stale_temporary_files_of_this_target_are_removed_and_nothing_else(tmp_path: Path) -> None:
    path, _ = _old_file(tmp_path)
    stale = [".s.yaml.a1b2c3d4.tmp", ".s.yaml.zz_09xy8.tmp", ".s.samples.npz.abcdefgh.tmp",
             ".s.test_samples-2.npz.qwertyui.tmp"]
    kept = [".s.yaml.ABCDEFGH.tmp", ".s.yaml.short.tmp", ".other.yaml.a1b2c3d4.tmp", "s.yaml.a1b2c3d4.tmp",
            ".s.yaml.a1b2c3d4.tmp.bak", ".s.yamlx.a1b2c3d4.tmp"]
    young = ".s.yaml.r4nn1ng0.tmp"  # another process's save, still being written
    for name in stale + kept + [young]:
        (tmp_path / name).write_bytes(b"x")
    for name in stale + kept:
        _age(tmp_path / name)
    (tmp_path / ".s.yaml.linklink.tmp").symlink_to(path)  # a link is not one of our files
    (tmp_path / ".s.yaml.folderxx.tmp").mkdir()
    save_scenario(load_scenario(path), path)
    assert _names(tmp_path) == sorted(["s.yaml", *kept, young, ".s.yaml.linklink.tmp", ".s.yaml.folderxx.tmp"])
    assert (tmp_path / young).read_bytes() == b"x"


def test_a_temporary_file_is_stale_only_past_the_margin(tmp_path: Path) -> None:
    pattern = [temp_pattern("s\\.yaml")]
    temp = tmp_path / ".s.yaml.abcd1234.tmp"
    temp.write_bytes(b"half")
    recent = time.time() - STALE_AFTER + 60
    os.utime(temp, (recent, recent))
    assert remove_stale_temps(tmp_path, pattern) == [] and temp.exists()
    _age(temp)
    assert remove_stale_temps(tmp_path, pattern) == [".s.yaml.abcd1234.tmp"] and not temp.exists()


def test_an_export_removes_its_own_stale_temporary_files(tmp_path: Path) -> None:
    for name in (".out.md.k1ll3d00.tmp", ".other.md.k1ll3d00.tmp"):
        (tmp_path / name).write_bytes(b"half")
        _age(tmp_path / name)
    write_atomically(tmp_path / "out.md", "# done\n")
    assert _names(tmp_path) == [".other.md.k1ll3d00.tmp", "out.md"]


def test_temp_pattern_matches_only_our_names() -> None:
    pattern = temp_pattern("s\\.yaml")
    assert pattern.fullmatch(".s.yaml.abcd_123.tmp")
    assert not pattern.fullmatch(".s.yaml.abcd_1234.tmp") and not pattern.fullmatch("..s.yaml.abcd_123.tmp")
    assert remove_stale_temps(Path("/nonexistent-folder"), [pattern]) == []


def test_an_interrupted_export_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out.md"
    out.write_text("old\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(scenario_save.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(out, "new\n")
    assert out.read_text() == "old\n" and _names(tmp_path) == ["out.md"]


def test_samples_saved_elsewhere_still_point_at_their_npz(tmp_path: Path) -> None:
    scenario = load_scenario(_digits_copy(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    saved = load_scenario(save_scenario(scenario, elsewhere / "d.yaml"))
    np.testing.assert_array_equal(saved.samples.x, scenario.samples.x)
    assert _names(elsewhere) == ["d.yaml"]
    assert saved.samples.source == (tmp_path / "dig" / "data" / "digits-train.npz").resolve()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_process_descriptor_path_is_refused_before_any_work(tmp_path: Path) -> None:
    """`--save /dev/stdout` with stdout a pipe passed the check and failed after training."""
    read, write = os.pipe()
    deleted = tmp_path / "gone.yaml"
    handle = deleted.open("w")
    deleted.unlink()
    try:
        with pytest.raises(SaveError, match="this is a FIFO"):
            check_target(f"/proc/self/fd/{write}")
        with pytest.raises(SaveError, match="no name of its own"):
            check_target(f"/proc/self/fd/{handle.fileno()}")
    finally:
        os.close(read)
        os.close(write)
        handle.close()


@pytest.mark.skipif(not ROOT, reason="needs root to set up a file of another owner")
def test_a_file_of_another_owner_is_not_replaced_by_a_copy_of_ours() -> None:
    """An ordinary user who may write in a folder but cannot give a file back to its owner
    is refused: replacing it would silently change whose file it is."""
    folder = Path(tempfile.mkdtemp(prefix="own"))
    try:
        folder.chmod(0o755)
        shared = folder / "shared"
        shared.mkdir()
        os.chown(shared, 65534, 65534)
        theirs = shared / "theirs.yaml"
        theirs.write_text(W.YAML, encoding="utf-8")
        theirs.chmod(0o666)  # root's file, writable by anyone

        def save() -> None:
            with pytest.raises(SaveError, match=r"theirs.yaml: the file belongs to another user \(uid 0\)"):
                save_scenario(parse_scenario(W.YAML.replace("learning_rate: 0.5", "learning_rate: 0.25")), theirs)

        _as_nobody(save)
        assert theirs.read_text(encoding="utf-8") == W.YAML and theirs.stat().st_uid == 0
        assert _names(shared) == ["theirs.yaml"]
    finally:
        shutil.rmtree(folder)


# --- file systems without hard links (FAT, exFAT, SMB) -----------------------------------

@pytest.mark.parametrize("code", [errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP], ids=["EPERM", "ENOTSUP", "EOPNOTSUPP"])
def test_large_samples_save_where_hard_links_are_refused(tmp_path: Path, monkeypatch, code: int) -> None:
    scenario, x = _big_inline()

    def no_links(src, dst, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "link", no_links)
    saved = write_scenario(scenario, tmp_path / "s.yaml")
    assert _names(tmp_path) == ["s.samples.npz", "s.yaml"]
    np.testing.assert_array_equal(load_scenario(saved.path).samples.x, x)
    (tmp_path / "s.samples.npz").rename(tmp_path / "kept.npz")
    write_scenario(scenario, tmp_path / "s.yaml")  # and again beside a taken name: never over it
    assert _names(tmp_path) == ["kept.npz", "s.samples.npz", "s.yaml"]


def test_without_hard_links_a_file_that_appears_is_still_not_replaced(tmp_path: Path, monkeypatch) -> None:
    from core.scenario import atomic

    scenario, _ = _big_inline()
    plan = plan_save(scenario, tmp_path / "s.yaml")
    sidecar = plan.sidecars["samples"]
    tmp = atomic.write_temp(sidecar, lambda f: f.write(b"ours"))
    (tmp_path / "s.samples.npz").write_bytes(b"theirs")  # appeared after the check

    def no_links(src, dst, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(SaveError, match="a file appeared here while saving: it was left as it is"):
        atomic.place(tmp, sidecar, replace=False)
    assert (tmp_path / "s.samples.npz").read_bytes() == b"theirs" and _names(tmp_path) == ["s.samples.npz"]


def test_other_link_errors_are_still_reported(tmp_path: Path, monkeypatch) -> None:
    scenario, _ = _big_inline()

    def full(src, dst, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", full)
    with pytest.raises(SaveError, match="cannot write the file: No space left on device; nothing was changed"):
        write_scenario(scenario, tmp_path / "s.yaml")
    assert _names(tmp_path) == []
