"""The session journal: record and replay of every Stepper command, through the file format."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.engine import journal
from core.engine.journal import JournalError, JournalWriter
from core.engine.scenario import Expected
from core.engine.stepper import Stepper
from core.errors import EditError, StepError
from core.scenario.catalog import bundled_dir, load
from core.scenario.load import load_scenario
from core.scenario.save import save_scenario


def snapshot(stepper: Stepper) -> dict:
    """Everything a restore must give back, as plain comparable data."""
    st = stepper.state
    return {
        "phase": stepper.phase(),
        "iteration": st.iteration,
        "values": {k: v.tobytes() for k, v in st.values.items()},
        "params": {f"{layer}.{kind}": arr.tobytes() for layer, ps in st.params.items() for kind, arr in ps.items()},
        "x": st.samples.x.tobytes(), "y": st.samples.y.tobytes(),
        "expected": dict(stepper.scenario.expected),
        "rounding": st.rounding, "edited": st.edited,
        "undo": [label for _state, label, *_ in stepper._undo],
        "learning_rate": stepper.scenario.learning_rate,
        "optimizer": repr(getattr(st, "optim", None)),  # the optimizer's state, where the Stepper has one
    }


def written_and_read(entries: list[dict], tmp_path: Path) -> list[dict]:
    """The entries after a round trip through a journal file."""
    writer = JournalWriter("k", "d", tmp_path)
    for entry in entries:
        writer.append(entry)
    writer.close(delete=False)
    header, read = journal.read_journal(writer.path)
    assert header["key"] == "k" and header["digest"] == "d"
    return read


def every_command(stepper: Stepper) -> None:
    """One call of every recorded command kind, on tiny-cnn."""
    stepper.edit("conv.weight[1,0,2]", 0.25)
    stepper.edit("input[0,2]", -1.5)
    stepper.step_forward()
    stepper.step_next()
    stepper.forward_all()
    stepper.set_expected("out.out[0]", Expected(0.706, 3, "0.706"))
    stepper.set_expected("fc.delta[0]", Expected(0.1, 1, "0.1"))
    stepper.set_expected("fc.delta[0]", None)
    stepper.step_backward()
    stepper.backward_all()
    stepper.update()
    stepper.advance_to_next()
    stepper.set_hand_rounding(2)
    stepper.set_learning_rate(0.25)
    stepper.choose_samples(0)
    stepper.run_iteration()
    stepper.run_iteration()
    stepper.undo()
    stepper.edit("target[0]", 0.5)
    trained = {layer: {k: v * 0.5 + 1 / 3 for k, v in ps.items()} for layer, ps in stepper.params.items()}
    stepper.adopt(trained, 7, label="training 4 iterations")
    stepper.step_forward()
    stepper.set_hand_rounding(None)
    stepper.reset()
    stepper.undo()
    stepper.step_forward()


def test_every_command_replays_to_the_same_state(tmp_path: Path) -> None:
    live = Stepper(load("tiny-cnn"))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    every_command(live)
    assert [e["op"] for e in recorded][:6] == ["edit", "edit", "step_forward", "step_next", "forward_all",
                                                "set_expected"]
    assert {e["op"] for e in recorded} == set(journal.COMMANDS)  # every kind, each recorded once per call
    assert len(recorded) == 25  # step_next's inner step_forward is not a second entry

    fresh = Stepper(load("tiny-cnn"))
    done = journal.replay(fresh, written_and_read(recorded, tmp_path))
    assert done.failed is None and done.applied == 25
    assert snapshot(fresh) == snapshot(live)
    assert fresh.iteration == 7 and fresh.phase().describe() == "forward 2/4: pool"
    assert fresh.value("conv.weight[1,0,2]") == live.value("conv.weight[1,0,2]")


def test_adopted_parameters_are_bit_exact(tmp_path: Path) -> None:
    live = Stepper(load("xor-tanh"))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    rng = np.random.default_rng(3)
    trained = {layer: {k: rng.standard_normal(v.shape) for k, v in ps.items()} for layer, ps in live.params.items()}
    live.adopt(trained, 41, label="training 40 iterations")
    fresh = Stepper(load("xor-tanh"))
    journal.replay(fresh, written_and_read(recorded, tmp_path))
    for layer, ps in trained.items():
        for kind, arr in ps.items():
            assert fresh.params[layer][kind].dtype == arr.dtype
            assert np.array_equal(fresh.params[layer][kind], arr)
    assert fresh.undo_label == "training 40 iterations" and fresh.iteration == 41


def test_a_refused_command_is_not_recorded() -> None:
    live = Stepper(load("tiny-cnn"))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    with pytest.raises(StepError):
        live.update()  # nothing computed yet
    with pytest.raises(EditError):
        live.edit("conv.out[0]", 1.0)
    assert recorded == []


def test_a_line_cut_short_restores_up_to_the_last_complete_line(tmp_path: Path) -> None:
    writer = JournalWriter("k", "d", tmp_path)
    for op in ("step_forward", "step_forward", "step_forward"):
        writer.append({"op": op, "args": {}})
    writer.close(delete=False)
    data = writer.path.read_bytes()
    writer.path.write_bytes(data[:-7])  # killed in the middle of the third line
    _header, entries = journal.read_journal(writer.path)
    assert len(entries) == 2
    stepper = Stepper(load("tiny-cnn"))
    journal.replay(stepper, entries)
    assert stepper.phase().describe() == "forward 3/4: fc"


def test_a_corrupt_line_ends_the_replay_there(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    header = json.dumps({"format": journal.FORMAT, "version": journal.VERSION, "key": "k", "digest": "d"})
    path.write_text(f'{header}\n{{"op":"step_forward","args":{{}}}}\n{{"op": gar\n{{"op":"step_forward"}}\n')
    _header, entries = journal.read_journal(path)
    assert entries == [{"op": "step_forward", "args": {}}]


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.journal"
    path.write_text('{"op":"step_forward"}\n')
    with pytest.raises(JournalError, match="not a cnn-tui journal"):
        journal.read_journal(path)


def test_an_unknown_entry_stops_the_replay_and_says_where() -> None:
    stepper = Stepper(load("tiny-cnn"))
    done = journal.replay(stepper, [{"op": "step_forward", "args": {}}, {"op": "__init__", "args": {}},
                                    {"op": "step_forward", "args": {}}])
    assert done.applied == 1 and done.failed is not None and "entry 2" in done.failed
    assert stepper.phase().describe() == "forward 2/4: pool"


def test_view_entries_keep_the_last_of_each() -> None:
    done = journal.replay(Stepper(load("tiny-cnn")), [{"op": "decimals", "value": 4}, {"op": "step_forward"},
                                                      {"op": "decimals", "value": 2}])
    assert done.applied == 1 and done.view["decimals"]["value"] == 2


def test_a_changed_scenario_file_is_never_offered_for_restoring(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    shutil.copy(bundled_dir() / "tiny-cnn.yaml", path)
    scenario = load_scenario(path)
    key, digest = journal.scenario_key(path, False), journal.scenario_digest(scenario)
    writer = JournalWriter(key, digest, tmp_path / "state")
    writer.append({"op": "step_forward", "args": {}})
    writer.close(delete=False)
    assert [f.path for f in journal.offer(key, digest, tmp_path / "state").usable] == [writer.path]

    path.write_text(path.read_text() + "\n# a comment changes the bytes\n")
    changed = journal.scenario_digest(load_scenario(path))
    assert changed != digest
    found = journal.offer(key, changed, tmp_path / "state")
    assert found.usable == [] and [f.path for f in found.stale] == [writer.path]


def test_a_running_instance_keeps_its_journal_to_itself(tmp_path: Path) -> None:
    running = JournalWriter("k", "d", tmp_path)
    running.append({"op": "step_forward", "args": {}})
    assert journal.left_behind("k", tmp_path) == []  # locked: its process is alive
    second = JournalWriter("k", "d", tmp_path)  # a second instance: a file of its own
    second.append({"op": "step_backward", "args": {}})
    assert second.path != running.path
    running.close(delete=False)
    second.close(delete=False)
    found = journal.left_behind("k", tmp_path)
    assert {f.path for f in found} == {running.path, second.path}
    assert [e["op"] for e in journal.read_journal(running.path)[1]] == ["step_forward"]
    assert [e["op"] for e in journal.read_journal(second.path)[1]] == ["step_backward"]
    assert found[0].modified >= found[1].modified  # newest first


def test_empty_journals_are_deleted_not_offered(tmp_path: Path) -> None:
    writer = JournalWriter("k", "d", tmp_path)
    writer.close(delete=False)
    assert journal.offer("k", "d", tmp_path).usable == []
    assert not writer.path.exists()


def test_an_unwritable_state_folder_is_one_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError, match="cannot create a recovery journal") as err:
        JournalWriter("k", "d", blocker / "cnn-tui")
    assert "Error" not in str(err.value) and len(str(err.value)) < 200


def test_state_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert journal.state_dir() == tmp_path / "cnn-tui"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert journal.state_dir() == tmp_path / "home" / ".local" / "state" / "cnn-tui"


@pytest.mark.parametrize("steps", [0, 2, 5, 7, 8, 13])  # forward, backward, update, done, next
def test_after_a_save_the_rebase_reaches_the_same_state_from_the_saved_file(tmp_path: Path, steps: int) -> None:
    live = Stepper(load("tiny-cnn"))
    live.run_iteration()
    live.step_forward()  # iteration 2
    live.edit("fc.bias[0]", 0.125)
    live.set_hand_rounding(3)
    for _ in range(steps):
        live.step_next()
    saved = save_scenario(live.current_scenario(), tmp_path / "saved.yaml")
    live.scenario.path = saved
    live.mark_saved()
    fresh = Stepper(load_scenario(saved))
    done = journal.replay(fresh, json.loads(json.dumps(journal.rebase_entries(live))))
    assert done.failed is None
    got, want = snapshot(fresh), snapshot(live)
    for key in ("phase", "iteration", "values", "params", "x", "y", "rounding", "edited", "optimizer"):
        assert got[key] == want[key], key
    assert fresh.edited is False


class NudgingStepper(Stepper):
    """A Stepper that has grown a command the journal does not know."""

    def nudge(self) -> None:
        self._push("nudge")
        self.state = replace(self.state, iteration=self.iteration + 5)


def test_a_command_the_journal_does_not_know_stops_the_replay_there() -> None:
    live = NudgingStepper(load("tiny-cnn"))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    live.step_forward()
    live.nudge()
    live.step_forward()
    assert [e["op"] for e in recorded] == ["step_forward", journal.UNKNOWN, "step_forward"]
    fresh = Stepper(load("tiny-cnn"))
    done = journal.replay(fresh, recorded)
    assert done.applied == 1 and "'nudge' cannot be replayed" in (done.failed or "")
    assert fresh.phase().describe() == "forward 2/4: pool" and fresh.iteration == 1


def test_stored_parameters_that_do_not_fit_the_network_are_refused() -> None:
    stepper = Stepper(load("tiny-cnn"))
    wrong = {layer: {k: np.zeros(v.size + 1) for k, v in ps.items()} for layer, ps in stepper.params.items()}
    done = journal.replay(stepper, [{"op": "adopt", "args": {"params": journal.encode(wrong), "iteration": 3}}])
    assert done.applied == 0 and "do not fit this network" in (done.failed or "")
    assert stepper.iteration == 1 and not stepper.can_undo


def test_an_argument_the_journal_cannot_store_is_one_clear_error(tmp_path: Path) -> None:
    writer = JournalWriter("k", "d", tmp_path)
    with pytest.raises(JournalError, match=r"cannot write the recovery journal \(a value it cannot store\)"):
        writer.append({"op": "edit", "args": {"value": object()}})


def test_retract_takes_back_exactly_the_last_line(tmp_path: Path) -> None:
    writer = JournalWriter("k", "d", tmp_path)
    writer.append({"op": "step_forward", "args": {}})
    writer.append({"op": "adopt", "args": {"iteration": 2}})
    writer.retract()
    writer.retract()  # only the last line can be taken back: nothing more happens
    writer.append({"op": "adopt", "args": {"iteration": 3}})
    writer.close(delete=False)
    assert journal.read_journal(writer.path)[1] == [{"op": "step_forward", "args": {}},
                                                    {"op": "adopt", "args": {"iteration": 3}}]


@pytest.mark.parametrize("name", ["os:system", "builtins:dict", "core.engine.stepper:Stepper", "core.nope:X",
                                  "core.engine.scenario:Expected.__init__"])
def test_a_stored_record_must_be_one_of_the_programs_own_dataclasses(name: str) -> None:
    stepper = Stepper(load("tiny-cnn"))
    entry = {"op": "set_expected", "args": {"name": "out.out[0]", "expected": {"__record__": name, "fields": {}}}}
    done = journal.replay(stepper, [entry])
    assert done.applied == 0 and ("not a record of this program" in (done.failed or "")
                                  or "no such record in this version" in (done.failed or ""))
    assert stepper.scenario.expected == load("tiny-cnn").expected


def test_records_round_trip_by_their_fields() -> None:
    answer = Expected(-0.0625, 4, "−0.0625")
    line = json.dumps(journal.encode({"a": answer, "b": [np.float64(2.5), np.arange(3.0)]}))
    back = journal.decode(json.loads(line))
    assert back["a"] == answer and back["b"][0] == 2.5 and np.array_equal(back["b"][1], np.arange(3.0))
    assert type(back["a"]) is Expected  # (a NamedTuple since session 11: the stored form is the dataclass's)
    assert json.loads(line)["a"] == {"__record__": "core.engine.scenario:Expected",
                                     "fields": {"value": -0.0625, "decimals": 4, "text": "−0.0625", "iteration": 1}}


def test_a_namedtuple_record_round_trips_as_itself_not_as_a_list() -> None:
    """The launch-time records are NamedTuples (cheap to define): a tuple, so the journal must
    ask for a record of ours before it would store one as a bare list."""
    from core.nn.layers.terms import Term

    term = Term("w", "0.5")
    back = journal.decode(json.loads(json.dumps(journal.encode([term, ("w", "0.5")]))))
    assert type(back[0]) is Term and back[0] == term
    assert back[1] == ["w", "0.5"]  # a plain tuple stays a list


def test_recording_a_stepper_again_replaces_the_earlier_sink() -> None:
    """A session put back after a failed open is recorded anew: once per call, not twice."""
    live = Stepper(load("tiny-cnn"))
    first: list[dict] = []
    second: list[dict] = []
    journal.record_commands(live, first.append)
    live.step_forward()
    journal.record_commands(live, second.append)
    live.step_forward()
    live.step_next()
    assert [e["op"] for e in first] == ["step_forward"]
    assert [e["op"] for e in second] == ["step_forward", "step_next"]


def test_running_statistics_and_a_mask_edit_replay_exactly(tmp_path: Path) -> None:
    """Batch norm's running statistics travel with an adopted training result, and an edit
    of a dropout mask replays like any edit."""
    live = Stepper(load("batchnorm-tiny"))
    recorded: list[dict] = []
    journal.record_commands(live, recorded.append)
    live.run_iteration()
    state = {"bn": {"running_mean": np.array([0.25, -1.0 / 3]), "running_var": np.array([2.0, 0.7])}}
    live.adopt(live.params, 5, label="training 4 iterations", layer_state=state)
    live.run_iteration()
    fresh = Stepper(load("batchnorm-tiny"))
    journal.replay(fresh, written_and_read(recorded, tmp_path))
    assert snapshot(fresh) == snapshot(live)
    np.testing.assert_array_equal(fresh.layer_state["bn"]["running_mean"], state["bn"]["running_mean"])
    np.testing.assert_array_equal(fresh.values_array("bn.running_var"), live.values_array("bn.running_var"))
    rebased = Stepper(load("batchnorm-tiny"))
    journal.replay(rebased, journal.rebase_entries(live))
    np.testing.assert_array_equal(rebased.layer_state["bn"]["running_var"], state["bn"]["running_var"])

    drop = Stepper(load("dropout-tiny"))
    recorded = []
    journal.record_commands(drop, recorded.append)
    drop.edit("drop.mask[1]", 1.0)
    drop.run_iteration()
    again = Stepper(load("dropout-tiny"))
    journal.replay(again, written_and_read(recorded, tmp_path))
    assert snapshot(again) == snapshot(drop) and again.value("drop.mask[1]") == 1.0
