"""--ascii on the command line: taken anywhere, solve's text and messages in ASCII, data untouched."""

from __future__ import annotations

from core.ascii_text import using_ascii
from core.scenario.root import Root
from tui.cli import take_ascii
from tui.serve import app_command


def test_ascii_is_taken_from_anywhere_on_the_line():
    argv = ["--ascii", "solve", "tiny-cnn", "--ascii", "--iterations", "2"]
    assert take_ascii(argv) is True
    assert argv == ["solve", "tiny-cnn", "--iterations", "2"]
    argv = ["solve", "tiny-cnn"]
    assert take_ascii(argv) is False
    assert argv == ["solve", "tiny-cnn"]


def test_solve_text_reads_in_ascii(cli):
    done = cli("solve", "tiny-cnn", "--ascii")
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert "delta_out[0] = a_out[0] - y[0] = 0.706 - 1 = -0.294" in done.stdout
    assert "w'_out[0,0] = w_out[0,0] - alpha*delta_out[0]*a_fc[0] = 0.1 - 0.5*(-0.294)*0.608 = 0.189" in done.stdout
    before = cli("--ascii", "solve", "tiny-cnn")
    assert before.stdout == done.stdout


def test_data_for_programs_is_written_as_it_is(cli):
    plain = cli("solve", "tiny-cnn", "--format", "json")
    assert cli("solve", "tiny-cnn", "--format", "json", "--ascii").stdout == plain.stdout
    markdown = cli("solve", "tiny-cnn", "--format=markdown")
    assert cli("solve", "tiny-cnn", "--format=markdown", "--ascii").stdout == markdown.stdout
    assert "δ" in markdown.stdout
    script = cli("export", "tiny-cnn", "--to", "pytorch")
    assert cli("--ascii", "export", "tiny-cnn", "--to", "pytorch").stdout == script.stdout
    assert "—" in script.stdout  # the scenario's name, as it is
    assert cli("solve", "--help", "--ascii").stdout.isascii()  # help is for people


def test_messages_are_ascii(cli):
    done = cli("check", "tiny-cnn", "--ascii")
    assert done.returncode == 0
    assert done.stdout.startswith("tiny-cnn: ok -- tiny-cnn -- the notes' 1-D CNN: 4 layers, 20 parameters")
    assert done.stdout.isascii()


def test_each_served_tab_is_ascii_when_the_server_is(tmp_path):
    root = Root(str(tmp_path))
    assert "--ascii" not in app_command("tiny-cnn", root)
    with using_ascii():
        assert app_command("tiny-cnn", root).endswith(" --ascii")
