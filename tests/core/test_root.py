"""The served folder: every typed path is resolved and refused unless it names something inside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.errors import CnnTuiError
from core.scenario.catalog import bundled_dir
from core.scenario.root import OutsideRoot, Root


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A root with a sub-folder and a file, and a secret beside the root."""
    root = tmp_path / "class"
    (root / "week1").mkdir(parents=True)
    (root / "week1" / "a.yaml").write_text("x")
    secret = tmp_path / "secret.yaml"
    secret.write_text("s")
    return root, secret


def test_relative_paths_are_read_from_the_folder(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    folder = Root(root)
    assert folder.inside("week1/a.yaml") == (root / "week1" / "a.yaml").resolve()
    assert folder.inside("new.yaml") == (root / "new.yaml").resolve()  # a file to be written
    assert folder.inside("week1/../b.yaml") == (root / "b.yaml").resolve()
    assert folder.inside(".") == root.resolve()


def test_dot_dot_out_of_the_folder_is_refused(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    folder = Root(root)
    for typed in ("../secret.yaml", "week1/../../secret.yaml", "..", "week1/../../class/../secret.yaml"):
        with pytest.raises(OutsideRoot, match="outside the folder this session may use"):
            folder.inside(typed)


def test_absolute_paths_inside_pass_and_outside_are_refused(layout: tuple[Path, Path]) -> None:
    root, secret = layout
    folder = Root(root)
    assert folder.inside(str(root / "week1" / "a.yaml")) == (root / "week1" / "a.yaml").resolve()
    for typed in (str(secret), "/etc/passwd", "/"):
        with pytest.raises(OutsideRoot):
            folder.inside(typed)


def test_a_sibling_whose_name_starts_like_the_folder_is_outside(tmp_path: Path) -> None:
    (tmp_path / "class").mkdir()
    (tmp_path / "class-answers").mkdir()
    with pytest.raises(OutsideRoot):
        Root(tmp_path / "class").inside(str(tmp_path / "class-answers" / "key.yaml"))


def test_home_is_not_expanded(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    assert Root(root).inside("~/x.yaml") == (root / "~" / "x.yaml").resolve()


def test_symlinks_out_of_the_folder_are_refused(layout: tuple[Path, Path]) -> None:
    root, secret = layout
    (root / "link.yaml").symlink_to(secret)  # a file link
    (root / "out").symlink_to(secret.parent)  # a folder link
    (root / "dangling.yaml").symlink_to(secret.parent / "not-yet.yaml")  # a save would write outside
    folder = Root(root)
    for typed in ("link.yaml", "out/secret.yaml", "out/class/../secret.yaml", "dangling.yaml"):
        with pytest.raises(OutsideRoot):
            folder.inside(typed)


def test_symlinks_within_the_folder_pass(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    (root / "same.yaml").symlink_to(root / "week1" / "a.yaml")
    assert Root(root).inside("same.yaml") == (root / "week1" / "a.yaml").resolve()


def test_a_root_given_through_a_symlink_is_its_target(layout: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = layout
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    assert Root(alias).inside("week1/a.yaml") == (root / "week1" / "a.yaml").resolve()


def test_a_link_loop_is_refused_not_a_crash(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    (root / "loop").symlink_to(root / "loop")
    with pytest.raises(OutsideRoot):
        Root(root).inside("loop/x.yaml")


def test_the_message_quotes_the_path_briefly(layout: tuple[Path, Path]) -> None:
    root, _ = layout
    with pytest.raises(OutsideRoot) as caught:
        Root(root).inside("../" + "x" * 500 + "\x1b[2J")
    text = str(caught.value)
    assert "\x1b" not in text and len(text) < 260
    assert "outside the folder this session may use" in text


def test_a_missing_folder_or_a_file_is_no_root(layout: tuple[Path, Path]) -> None:
    root, secret = layout
    with pytest.raises(CnnTuiError, match="does not exist"):
        Root(root / "nope")
    with pytest.raises(CnnTuiError, match="is not a folder"):
        Root(secret)


def test_load_opens_files_inside_and_bundled_names(tmp_path: Path) -> None:
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", tmp_path / "tiny.yaml")
    folder = Root(tmp_path)
    assert folder.load("tiny.yaml").path == tmp_path / "tiny.yaml"
    assert folder.load("tiny-cnn").name == folder.load("tiny.yaml").name  # the package's own
    with pytest.raises(OutsideRoot):
        folder.load(str(bundled_dir() / "tiny-cnn.yaml"))  # the same file, by a path outside


def test_load_refuses_a_scenario_whose_samples_lie_outside(tmp_path: Path) -> None:
    root = tmp_path / "class"
    root.mkdir()
    shutil.copytree(bundled_dir() / "data", tmp_path / "data")
    text = (bundled_dir() / "digits.yaml").read_text()
    assert "file: data/digits-train.npz" in text
    (root / "digits.yaml").write_text(text.replace("file: data/", "file: ../data/"))
    with pytest.raises(OutsideRoot, match="reads .*digits-train.npz, outside the folder"):
        Root(root).load("digits.yaml")
    (root / "data").symlink_to(tmp_path / "data")  # the same files through a link in the folder
    (root / "digits.yaml").write_text(text)
    with pytest.raises(OutsideRoot):
        Root(root).load("digits.yaml")
    (root / "data").unlink()
    shutil.copytree(tmp_path / "data", root / "data")  # really inside: it opens
    assert Root(root).load("digits.yaml").samples is not None
