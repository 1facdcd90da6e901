"""Picking the samples an iteration uses, and changing α, in the stepper (both undoable)."""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.stepper import Stepper
from core.errors import EditError
from core.explain.explainer import explain
from core.scenario.catalog import load
from core.scenario.load import check_learning_rate


def test_choosing_a_sample_replaces_the_input_and_clears_what_was_computed() -> None:
    st = Stepper(load("xor-tanh"))  # four samples, one per iteration
    samples = st.state.samples
    assert st.batch_size == 1 and len(samples) == 4 and st.sample_indices() == [0]
    st.forward_all()
    assert st.choose_samples(2) == "cleared this iteration's forward pass, backward pass and update"
    assert st.sample_indices() == [2]
    x = st.array("input")
    assert x is not None and np.array_equal(x, samples.x[[2]].reshape(x.shape))
    assert st.phase().describe().startswith("forward 1/")
    assert st.undo_label == "samples 3"
    st.run_iteration()
    assert explain(st, "input[0]").notes[0] == "sample 3 of 4, as given"
    st.advance_to_next()  # the next iteration goes on by its number: iteration 2 uses sample 2
    assert st.iteration == 2 and st.sample_indices() == [1]


def test_a_batch_is_picked_from_its_first_sample_wrapping_around() -> None:
    st = Stepper(load("digits"))
    st.choose_samples(1435)
    assert st.sample_indices() == [1435, 1436, 0, 1, 2, 3, 4, 5]
    st.undo()
    assert st.sample_indices() == list(range(8))


def test_choosing_a_sample_that_does_not_exist_is_refused() -> None:
    st = Stepper(load("tiny-cnn"))
    with pytest.raises(EditError, match="there is no sample 2 .the scenario has 1: 1 to 1."):
        st.choose_samples(1)
    with pytest.raises(EditError):
        st.choose_samples(-1)
    assert not st.can_undo


def test_a_new_learning_rate_clears_only_the_update_and_undo_restores_it() -> None:
    st = Stepper(load("tiny-cnn"))
    st.run_iteration()
    assert st.value("out.new_weight[0,0]") == pytest.approx(0.1 - 0.5 * st.value("out.grad_weight[0,0]"))
    assert st.set_learning_rate(0.25) == "cleared the update"
    assert st.phase().stage == "update"
    assert st.array("out.delta") is not None
    st.update()
    assert st.value("out.new_weight[0,0]") == pytest.approx(0.1 - 0.25 * st.value("out.grad_weight[0,0]"))
    assert st.edited and st.current_scenario().learning_rate == 0.25
    st.undo()
    st.undo()
    assert st.scenario.learning_rate == 0.5
    st.set_learning_rate(2)
    st.reset()
    assert st.scenario.learning_rate == 0.5


def test_a_learning_rate_is_checked_as_a_file_s_is() -> None:
    assert check_learning_rate("0.25") == 0.25
    assert check_learning_rate(" 1e-2 ") == 0.01
    for text, message in [("-1", "learning_rate: expected a number > 0, got -1"),
                          ("0", "learning_rate: expected a number > 0, got 0"),
                          ("abc", "learning_rate: expected a number, got the text 'abc'"),
                          ("", "learning_rate: expected a number, got nothing"),
                          (".nan", "learning_rate: expected a finite number of sensible size, got nan")]:
        with pytest.raises(EditError) as err:
            check_learning_rate(text)
        assert str(err.value) == message
    with pytest.raises(EditError, match="^learning_rate: expected a number"):
        check_learning_rate("1: 2")
