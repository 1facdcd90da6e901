"""Issue 8, reading: hostile or unlucky files each get ONE short message, never a traceback,
a hang or a huge allocation. Every file is generated in tmp_path; the memory bombs are
refused from their shapes, so the cases stay cheap.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fixtures import worked_example as W
from fixtures.cli_run import run_cli

from core.errors import ScenarioError
from core.scenario.budget import MAX_NPZ_MEMBERS, MAX_YAML_BYTES
from core.scenario.load import load_scenario, parse_scenario

LEAKS = ("Node(", "Traceback", "Error:", "<class", "object at 0x", "tag:yaml.org")


def one_message(err: BaseException, *words: str) -> str:
    """The error's message, checked: short, at most 3 lines, no internals, holding ``words``."""
    message = str(err)
    assert message.count("\n") <= 2, message
    assert len(message) <= 400, message
    for leak in LEAKS:
        assert leak not in message, message
    for word in words:
        assert word in message, message
    return message


def refused(text: str, *words: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, file="hostile.yaml")
    return one_message(caught.value, *words)


def refused_file(path: Path, *words: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return one_message(caught.value, *words)


def with_field(text: str, field: str, value: str) -> str:
    """The worked example with one top-level field's value replaced."""
    lines = [f"{field}: {value}" if line.startswith(f"{field}:") else line for line in text.splitlines()]
    return "\n".join(lines) + "\n"


# --- paths that are not regular files: refused from stat, never opened ----------------------

def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = run_cli("check", str(fifo), timeout=60)  # a hang would time out (and fail)
    assert result.returncode == 1
    assert result.stderr.strip() == f"cnn-tui: {fifo}: this is a named pipe (FIFO), not a scenario file: " \
                                    "cnn-tui reads regular files only"
    refused_file(fifo, "named pipe")


@pytest.mark.parametrize(("path", "words"), [
    ("/dev/zero", "a device"), ("/dev/null", "a device"), ("/", "a folder")])
def test_special_files_are_refused(path: str, words: str) -> None:
    if not os.path.exists(path):
        pytest.skip(f"no {path} here")
    refused_file(Path(path), words, "regular files only")


def test_a_socket_and_a_link_to_a_fifo_are_refused(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.yaml"))
        refused_file(tmp_path / "s.yaml", "a socket")
    finally:
        server.close()
    os.mkfifo(tmp_path / "p")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "p")
    refused_file(tmp_path / "link.yaml", "named pipe")


def test_a_link_to_a_regular_file_loads(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text(W.YAML, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert load_scenario(tmp_path / "link.yaml").name == "worked example copy"


def test_the_10_mb_limit_counts_bytes_read(tmp_path: Path) -> None:
    exact = W.YAML + "#" * (MAX_YAML_BYTES - len(W.YAML.encode()) - 1) + "\n"
    assert len(exact.encode()) == MAX_YAML_BYTES
    (tmp_path / "exact.yaml").write_text(exact, encoding="utf-8")
    assert load_scenario(tmp_path / "exact.yaml").name == "worked example copy"
    (tmp_path / "over.yaml").write_text(exact + "\n", encoding="utf-8")
    refused_file(tmp_path / "over.yaml", "over the 10 MB limit")


def test_missing_binary_and_utf16_files(tmp_path: Path) -> None:
    refused_file(tmp_path / "nothing.yaml", "no such file")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00\x81garbage")
    refused_file(tmp_path / "bin.yaml", "not a text file")
    (tmp_path / "nul.yaml").write_bytes(W.YAML.replace("name: worked", "name: wo\0rked").encode())
    assert "#x0000" in refused_file(tmp_path / "nul.yaml", "unacceptable character")


# --- YAML that is valid text but hostile -----------------------------------------------------

def test_byte_order_mark_and_crlf_line_ends_load_with_right_lines(tmp_path: Path) -> None:
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + W.YAML.replace("\n", "\r\n").encode())
    assert load_scenario(tmp_path / "bom.yaml").name == "worked example copy"
    bad = W.YAML.replace("learning_rate: 0.5", "learning_rate: -1").replace("\n", "\r\n")
    (tmp_path / "crlf.yaml").write_bytes(b"\xef\xbb\xbf" + bad.encode())
    message = refused_file(tmp_path / "crlf.yaml", "learning_rate", "> 0")
    assert f"crlf.yaml:{W.YAML.splitlines().index('learning_rate: 0.5') + 1}:" in message


def test_unicode_title_loads_and_a_unicode_layer_name_is_refused_quoted() -> None:
    title = "Réseau ½ — 🧠 नेटवर्क"
    assert parse_scenario(with_field(W.YAML, "name", title)).name == title
    message = refused(W.YAML.replace("name: conv", "name: réseau"), "invalid layer name 'réseau'")
    assert message.startswith("hostile.yaml:8: layers[0].name:")


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deep_nesting_is_one_message(depth: int) -> None:
    """Nesting the parser accepts reaches the field's check; deeper is refused by the parser."""
    words = ("input",) if depth < 1000 else ("nesting depth",)
    refused(with_field(W.YAML, "input", "[" * depth + "]" * depth), *words)
    words = ("name", "a mapping") if depth < 1000 else ("nesting depth",)
    refused(with_field(W.YAML, "name", "{a: " * depth + "1" + "}" * depth), *words)


@pytest.mark.parametrize(("value", "words"), [
    ("1" * 5000, ("more than 4,300 digits",)),
    ("1" * 400, ("finite number of sensible size",)),
    ("-" + "9" * 4200, ("finite number of sensible size",)),
    ("1e999", ("finite number",)),
    (".nan", ("finite number",)), (".NaN", ("finite number",)), (".NAN", ("finite number",)),
    (".inf", ("finite number",)), ("-.inf", ("finite number",)), ("+.Inf", ("finite number",)),
    ("nan", ("expected a number", "the text 'nan'")), ("inf", ("expected a number", "the text 'inf'")),
    ("NaN", ("expected a number",)), ("'0.5'", ("expected a number", "the text '0.5'")),
    ("true", ("expected a number", "true/false")),
    ("~", ("expected a number", "nothing")), ("[0.5]", ("expected a number", "a list of 1")),
    ("{a: 1}", ("expected a number", "a mapping")), ("2001-12-14", ("expected a number",)),
])
def test_numbers_and_non_numbers_as_the_learning_rate(value: str, words: tuple[str, ...]) -> None:
    message = refused(with_field(W.YAML, "learning_rate", value), *words)
    assert "learning_rate" in message or "digits" in message


@pytest.mark.parametrize("spelling", [".nan", ".inf", "-.Inf", "1e400", "-1e309"])
def test_non_finite_weights_are_refused_at_the_entry(spelling: str) -> None:
    text = W.YAML.replace("weight: [[[0.1, 0.2, 0.3]]", f"weight: [[[0.1, {spelling}, 0.3]]")
    refused(text, "layers[0].weight[0][0][1]", "non-finite or huge")


FIELDS = ("format", "name", "description", "input", "samples", "test_samples", "layers", "loss",
          "learning_rate", "batch_size", "seed", "init", "display", "expected")
WRONG = {"a list": "[1, [2], {a: 3}]", "a mapping": "{x: [1, 2], y: {z: 1}}", "text": "'just text'",
         "true": "true", "nothing": "null", "a number": "-7.5", "a huge list": "[" + "0, " * 5000 + "0]"}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", sorted(WRONG))
def test_every_top_field_with_every_wrong_type(field: str, kind: str) -> None:
    text = with_field(W.YAML, field, WRONG[kind]) if f"\n{field}:" in "\n" + W.YAML \
        else W.YAML + f"{field}: {WRONG[kind]}\n"
    try:
        scenario = parse_scenario(text, file="hostile.yaml")
    except ScenarioError as err:
        one_message(err)
    else:  # only plain text and nothing are valid for some fields (a title, no description)
        assert (field, kind) in {("name", "text"), ("description", "text"), ("description", "nothing"),
                                 ("test_samples", "nothing"), ("batch_size", "nothing"),
                                 ("seed", "nothing"), ("init", "nothing"), ("display", "nothing"),
                                 ("expected", "nothing")}, (field, kind)
        assert scenario.name


@pytest.mark.parametrize(("yaml_text", "words"), [
    ("!!binary aGVsbG8=", ("!!binary is refused",)),
    ("!!set {a, b}", ("!!set is refused",)),
    ("!!omap [a: 1]", ("!!omap is refused",)),
    ("!!timestamp 2001-12-14", ("!!timestamp is refused",)),
    ("!foo bar", ("!foo is refused",)),
    ("!!python/name:os.system ''", ("!!python/name:os.system is refused",)),
    ("!!python/object/apply:os.system [echo hi]", ("!!python/object/apply:os.system is refused",)),
    ("&a hello", ()),  # an anchor alone is harmless: accepted
])
def test_tags_are_refused_naming_them(yaml_text: str, words: tuple[str, ...]) -> None:
    text = with_field(W.YAML, "name", yaml_text)
    if not words:
        assert parse_scenario(text).name == "hello"
        return
    message = refused(text, *words)
    assert message.startswith("hostile.yaml:2: name:")


@pytest.mark.parametrize(("extra", "words"), [
    ("? [a, b]\n: 1\n", ("a field name must be text, got a list",)),
    ("? {a: 1}\n: 1\n", ("a field name must be text, got a mapping",)),
    ("~: 1\n", ("a field name must be text, got nothing",)),
    ("true: 1\n", ("a field name must be text, got true/false true",)),
    ("<<: {loss: mse}\n", ("a field name must be text",)),
    ("x: &a 1\ny: *a\n", ("aliases", "not allowed")),
    ("loss: mse\n", ("'loss' is given twice",)),
    ("---\nformat: 1\n", ("single document",)),
    ('"learning_rate\\e[2J": 1\n', ("unknown field", "\\x1b")),
    ("learning_rate\x1b: 1\n", ("unacceptable character #x001b",)),
    ("k" * 100_000 + "x: 1\n", ("could not find expected ':'",)),
    ("? " + "k" * 100_000 + "\n: 1\n", ("unknown field", "more characters")),
])
def test_keys_aliases_and_documents(extra: str, words: tuple[str, ...]) -> None:
    message = refused(W.YAML + extra, *words)
    assert "\x1b" not in message


def test_a_megabyte_name_loads_and_a_megabyte_layer_name_gets_a_short_message() -> None:
    assert len(parse_scenario(with_field(W.YAML, "name", "x" * 1_000_000)).name) == 1_000_000
    message = refused(W.YAML.replace("name: conv", "name: " + "Q" * 1_000_000), "invalid layer name")
    assert "more characters" in message


@pytest.mark.parametrize(("key", "words"), [
    ("? fc.out[" + "9" * 5000 + "]\n  : 0.5", ("is not a quantity name", "5,008 characters")),
    ("'fc.out[" + "9" * 90 + "]': 0.5", ("does not exist",)),
    ('"fc.out[0]\\e[2J": 0.5', ("control characters",)),
    ("fc.out[0]: " + "1" * 400, ("finite number",)),
    ("fc.out[0]: [0.5]", ("expected a number", "a list of 1")),
    ("fc.out[-1]: 0.5", ("indices must be whole numbers",)),
    ("nope: 0.5", ("is not a quantity name",)),
], ids=["5000-digit index", "90-digit index", "escape", "huge value", "list value", "negative index",
        "not a name"])
def test_expected_keys_and_values(key: str, words: tuple[str, ...]) -> None:
    message = refused(W.YAML + "expected:\n  " + key + "\n", *words)
    assert "\x1b" not in message


@pytest.mark.parametrize(("field", "value", "words"), [
    ("kernel", "[3, 3]", "one whole number"), ("kernel", "'3'", "the text '3'"),
    ("filters", "1e3", "whole number"), ("filters", "[2]", "a list of 1"),
    ("kernel", str(10**30), "≤ 100,000"), ("stride", "-1", "≥ 1"), ("padding", "[1]", "one whole number"),
    ("activation", "[relu]", "a list of 1"), ("frozen", "{w: 1}", "a mapping"),
    ("frozen", "[weight, [bias]]", "a list of 1"), ("weight", "'heavy'", "the text 'heavy'"),
    ("init", "7", "the number 7"), ("type", "{conv: 1}", "a mapping"),
])
def test_a_conv_layer_field_of_the_wrong_type(field: str, value: str, words: str) -> None:
    lines = W.YAML.splitlines()
    start = lines.index("  - name: conv")
    own = [i for i in range(start, start + 7) if lines[i].strip().startswith(f"{field}:")]
    if own:
        lines[own[0]] = f"    {field}: {value}"
    else:
        lines.insert(start + 1, f"    {field}: {value}")
    message = refused("\n".join(lines) + "\n", words)
    assert message.startswith("hostile.yaml:") and "layers[0]" in message


# --- npz files --------------------------------------------------------------------------------

NPZ_SCENARIO = W.YAML.replace("samples:\n  - x: [[0.1, 0.0, 0.0, 0.1]]\n    y: [1, 0]\n",
                              "samples: {file: data.npz}\n")


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


GOOD_X, GOOD_Y = npy(np.zeros((3, 1, 4))), npy(np.array([0, 1, 1]))


def write_npz(folder: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(folder / "data.npz", "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    (folder / "s.yaml").write_text(NPZ_SCENARIO, encoding="utf-8")
    return folder / "s.yaml"


def huge_header(shape: str) -> bytes:
    return GOOD_X.replace(b"(3, 1, 4)", shape.encode())


NPZ_CASES: dict[str, tuple[dict[str, bytes], tuple[str, ...]]] = {
    "timedelta x": ({"x.npy": npy(np.zeros((3, 1, 4), "m8[s]")), "y.npy": GOOD_Y}, ("time spans",)),
    "datetime x": ({"x.npy": npy(np.zeros((3, 1, 4), "M8[D]")), "y.npy": GOOD_Y}, ("dates",)),
    "complex x": ({"x.npy": npy(np.zeros((3, 1, 4), complex)), "y.npy": GOOD_Y}, ("complex",)),
    "bool x": ({"x.npy": npy(np.zeros((3, 1, 4), bool)), "y.npy": GOOD_Y}, ("true/false",)),
    "text y": ({"x.npy": GOOD_X, "y.npy": npy(np.array(["a", "b", "c"]))}, ("y holds text",)),
    "record x": ({"x.npy": npy(np.zeros((3, 1, 4), "f8,i4")), "y.npy": GOOD_Y}, ("records",)),
    "object x": ({"x.npy": npy(np.array([[[1, 2, 3, None]]] * 3, object)), "y.npy": GOOD_Y}, ("pickle",)),
    "longdouble 1e4000": ({"x.npy": npy(np.full((3, 1, 4), np.longdouble("1e4000"))), "y.npy": GOOD_Y},
                          ("fit float64",)),
    "not npy": ({"x.npy": b"hello, world", "y.npy": GOOD_Y}, ("x is not a NumPy array",)),
    "header (10^17, 2)": ({"x.npy": huge_header("(100000000000000000, 2)"), "y.npy": GOOD_Y},
                          ("x has shape [100000000000000000, 2]", "the limit is 40,000,000")),
    "header of 3 GB": ({"x.npy": huge_header("(100000000, 1, 4)"), "y.npy": GOOD_Y},
                       ("400,000,000 values",)),
    "truncated data": ({"x.npy": GOOD_X[:-8], "y.npy": GOOD_Y}, ("x is truncated",)),
    "extra data": ({"x.npy": GOOD_X + b"\0" * 64, "y.npy": GOOD_Y}, ("more data than its header",)),
    "empty npz": ({}, ("has no array 'x'",)),
    "no y": ({"x.npy": GOOD_X}, ("has no array 'y'",)),
    "path traversal": ({"../../x.npy": GOOD_X, "/etc/y.npy": GOOD_Y}, ("has no array 'x'",)),
    "x of the wrong shape": ({"x.npy": npy(np.zeros((3, 4))), "y.npy": GOOD_Y}, ("x has shape [3, 4]",)),
    "labels out of range": ({"x.npy": GOOD_X, "y.npy": npy(np.array([0, 1, 7]))}, ("class indices",)),
    "nan x": ({"x.npy": npy(np.full((3, 1, 4), np.nan)), "y.npy": GOOD_Y}, ("finite",)),
    "empty x": ({"x.npy": npy(np.zeros((0, 1, 4))), "y.npy": npy(np.zeros(0, int))}, ("N ≥ 1",)),
}


@pytest.mark.parametrize("case", sorted(NPZ_CASES))
def test_hostile_npz(tmp_path: Path, case: str) -> None:
    members, words = NPZ_CASES[case]
    message = refused_file(write_npz(tmp_path, members), *words)
    assert message.startswith(f"{tmp_path / 's.yaml'}:4: samples.file: ")


def test_damaged_zips(tmp_path: Path) -> None:
    path = write_npz(tmp_path, {"x.npy": npy(np.ones((3, 1, 4))), "y.npy": GOOD_Y}, zipfile.ZIP_STORED)
    good = (tmp_path / "data.npz").read_bytes()
    (tmp_path / "data.npz").write_bytes(good[: len(good) // 2])
    refused_file(path, "not an npz file, or a truncated one")
    damaged = bytearray(good)
    at = damaged.find(npy(np.ones((3, 1, 4)))[-8:])  # a float 1.0 in the stored data
    damaged[at + 7] ^= 0xFF
    (tmp_path / "data.npz").write_bytes(bytes(damaged))
    refused_file(path, "damaged or truncated")
    deflated = write_npz(tmp_path, {"x.npy": npy(np.ones((3, 1, 4))), "y.npy": GOOD_Y})
    data = bytearray((tmp_path / "data.npz").read_bytes())
    data[60:90] = b"\x00" * 30  # inside x's compressed stream
    (tmp_path / "data.npz").write_bytes(bytes(data))
    refused_file(deflated, "samples.file")
    (tmp_path / "data.npz").write_bytes(b"")
    refused_file(deflated, "not an npz file")
    (tmp_path / "data.npz").write_bytes(npy(np.zeros((3, 1, 4))))
    refused_file(deflated, "a single array (.npy)")


def test_a_zip_with_too_many_members_is_refused_from_its_directory(tmp_path: Path) -> None:
    members = {f"m{i}.npy": b"" for i in range(MAX_NPZ_MEMBERS + 1)}
    members.update({"x.npy": GOOD_X, "y.npy": GOOD_Y})
    refused_file(write_npz(tmp_path, members, zipfile.ZIP_STORED), f"{MAX_NPZ_MEMBERS + 3:,} members")


def test_a_zip_bomb_member_is_not_inflated(tmp_path: Path) -> None:
    """x's header promises 12 values, its data inflates to 64 MB: at most 97 bytes are read."""
    import tracemalloc

    load_scenario(write_npz(tmp_path, {"x.npy": GOOD_X, "y.npy": GOOD_Y}))  # imports done first
    path = write_npz(tmp_path, {"x.npy": GOOD_X + b"\0" * (64 << 20), "y.npy": GOOD_Y})
    assert (tmp_path / "data.npz").stat().st_size < 200_000
    tracemalloc.start()
    try:
        refused_file(path, "more data than its header")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20


def test_npz_paths_that_are_not_regular_files(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(NPZ_SCENARIO, encoding="utf-8")
    os.mkfifo(tmp_path / "data.npz")
    refused_file(tmp_path / "s.yaml", "data.npz: this is a named pipe (FIFO), not an npz file")
    (tmp_path / "z.yaml").write_text(NPZ_SCENARIO.replace("data.npz", "/dev/zero"), encoding="utf-8")
    refused_file(tmp_path / "z.yaml", "/dev/zero: this is a device")
    (tmp_path / "d.yaml").write_text(NPZ_SCENARIO.replace("data.npz", "."), encoding="utf-8")
    refused_file(tmp_path / "d.yaml", "this is a folder")


@pytest.mark.parametrize(("x", "y"), [
    (np.arange(12, dtype=">f8").reshape(3, 1, 4), np.array([0, 1, 1], dtype=">i2")),   # big-endian
    (np.asfortranarray(np.arange(12.0).reshape(3, 1, 4)), np.array([0, 1, 1], np.uint8)),  # Fortran order
    (np.arange(12, dtype=np.float16).reshape(3, 1, 4), np.eye(2)[[0, 1, 1]].astype(np.float32)),
    (np.arange(12, dtype=np.int8).reshape(3, 1, 4), np.array([0, 1, 1], np.uint64)),
    (np.arange(12, dtype=np.longdouble).reshape(3, 1, 4), np.array([0, 1, 1])),
])
def test_npz_of_every_real_dtype_and_layout_loads_exactly(tmp_path: Path, x: np.ndarray, y: np.ndarray) -> None:
    path = write_npz(tmp_path, {"x.npy": npy(x), "y.npy": npy(y)})
    samples = load_scenario(path).samples
    assert samples.x.dtype == np.float64 and samples.y.dtype == np.float64
    np.testing.assert_array_equal(samples.x, np.arange(12.0).reshape(3, 1, 4))
    np.testing.assert_array_equal(samples.y, np.eye(2)[[0, 1, 1]])


# --- memory bombs under a 3 GB address-space cap, through the command ---------------------------

BOMBS = {
    "window table": W.YAML.replace("input: [1, 4]", "input: [1, 100000]").replace(
        "{name: pool, type: maxpool1d, size: 2}", "{name: pool, type: maxpool1d, size: 50000, stride: 1}"),
    "batch": W.YAML.replace("input: [1, 4]", "input: [1, 100000]") + "batch_size: 100000\n",
    "dense": W.YAML.replace("input: [1, 4]", "input: [1, 100000]").replace(
        "units: 2, activation: sigmoid", "units: 100000, activation: sigmoid"),
}


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is Linux's")
@pytest.mark.parametrize("bomb", sorted(BOMBS) + ["npz header"])
def test_bombs_end_in_one_line_under_a_3_gb_cap(tmp_path: Path, bomb: str) -> None:
    import resource
    import subprocess

    if bomb == "npz header":
        path = write_npz(tmp_path, {"x.npy": huge_header("(100000000000000000, 1, 4)"), "y.npy": GOOD_Y})
    else:
        path = tmp_path / "bomb.yaml"
        path.write_text(BOMBS[bomb], encoding="utf-8")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-m", "tui.cli", "check", str(path)], capture_output=True,
                            text=True, timeout=120, preexec_fn=cap, env=env)
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "MemoryError" not in result.stderr, result.stderr
    assert "the limit is" in result.stderr


@pytest.mark.parametrize("target", ["a" * 300 + ".yaml", "x\x1b[2Jy.yaml", "d/" * 3000 + "s.yaml",
                                    "no-such-scenario"])
def test_unusable_paths_get_one_short_visible_message(target: str) -> None:
    from core.scenario.catalog import load

    with pytest.raises(ScenarioError) as caught:
        load(target)
    message = one_message(caught.value)
    assert "\x1b" not in message
    assert "no such file" in message or "File name too long" in message


def test_a_path_with_an_escape_is_shown_visibly_by_the_command(tmp_path: Path) -> None:
    result = run_cli("check", str(tmp_path / "x\x1b[2J.yaml"))
    assert result.returncode == 1
    assert result.stderr == f"cnn-tui: {tmp_path}/x\\x1b[2J.yaml: no such file\n"


@pytest.mark.parametrize(("name", "words"), [
    ('"a\\0b.npz"', "a\\x00b.npz: cannot be opened"),
    ("a" * 300 + ".npz", "(224 more characters): cannot be opened (File name too long)"),
    ('"d\\e[2J.npz"', "d\\x1b[2J.npz does not exist"),
])
def test_unusable_npz_names_get_one_message(tmp_path: Path, name: str, words: str) -> None:
    (tmp_path / "s.yaml").write_text(NPZ_SCENARIO.replace("data.npz", name), encoding="utf-8")
    message = refused_file(tmp_path / "s.yaml", "samples.file: ", words)
    assert "\x1b" not in message and "\x00" not in message


def test_an_encrypted_member_is_damaged_and_an_lzma_one_loads(tmp_path: Path) -> None:
    path = write_npz(tmp_path, {"x.npy": GOOD_X, "y.npy": GOOD_Y}, zipfile.ZIP_LZMA)
    np.testing.assert_array_equal(load_scenario(path).samples.x, np.zeros((3, 1, 4)))
    data = bytearray((tmp_path / "data.npz").read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = data.find(signature)
        while at >= 0:
            data[at + flags] |= 1  # the "encrypted" bit
            at = data.find(signature, at + 4)
    (tmp_path / "data.npz").write_bytes(bytes(data))
    refused_file(path, "damaged or truncated")


def test_a_zip_directory_claiming_millions_of_members_is_refused_before_reading_it(tmp_path: Path) -> None:
    path = write_npz(tmp_path, {"x.npy": GOOD_X, "y.npy": GOOD_Y}, zipfile.ZIP_STORED)
    data = bytearray((tmp_path / "data.npz").read_bytes())
    end = data.rfind(b"PK\x05\x06")
    data[end + 12:end + 16] = (50 << 20).to_bytes(4, "little")  # a 50 MB directory
    (tmp_path / "data.npz").write_bytes(bytes(data))
    refused_file(path, "52,428,800 bytes of zip directory")
