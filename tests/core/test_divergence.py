"""Issue 8: training stops at the first loss or parameter that blows up, and says where.

The diverging scenario (fixtures.diverging) is one linear unit with squared error and a
learning rate far too large; its SGD is worked out by hand there to find where it blows up.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fixtures.diverging import by_hand, diverging

from core.engine.training import LOSS_LIMIT, Trainer, blown_up
from core.errors import CnnTuiError, TrainingDiverged


def test_the_first_loss_past_the_limit_stops_training_where_the_hand_calculation_does() -> None:
    scenario = diverging()
    first_bad, history = by_hand(scenario, LOSS_LIMIT)
    trainer = Trainer(scenario)
    with pytest.raises(TrainingDiverged) as caught:
        trainer.run_epochs(100_000)
    err = caught.value
    assert err.iteration == first_bad
    assert err.epoch == (first_bad - 1) // 3 + 1  # three samples, batch 1: three iterations per epoch
    assert err.value > LOSS_LIMIT and "the loss reached" in err.what
    # the update of the bad iteration is not applied: the parameters are those before it
    assert trainer.iteration == first_bad
    now = np.append(trainer.params["fc"]["weight"][0], trainer.params["fc"]["bias"])
    np.testing.assert_allclose(now, history[-1], rtol=1e-12)
    assert np.all(np.isfinite(now))


def test_the_message_says_where_what_and_what_to_try() -> None:
    trainer = Trainer(diverging())
    with pytest.raises(CnnTuiError) as caught:
        trainer.run_epochs(100_000)
    text = str(caught.value)
    err = caught.value
    assert isinstance(err, TrainingDiverged)
    assert text.startswith(f"training diverged in epoch {err.epoch} at iteration {err.iteration}: the loss reached ")
    assert text.endswith("try a smaller learning_rate than 5.0 (e.g. 0.5)")
    assert "\n" not in text and len(text) < 200


def test_an_overflowing_loss_stops_at_the_first_iteration_that_has_it() -> None:
    scenario = diverging(1e150)
    first_bad, _ = by_hand(scenario, math.inf)  # no limit: the first ∞ or NaN
    trainer = Trainer(scenario)
    with pytest.raises(TrainingDiverged) as caught:
        for _ in range(first_bad):
            trainer.step()
    assert caught.value.iteration <= first_bad  # the limit or a parameter catch it no later
    assert all(np.all(np.isfinite(p)) for ps in trainer.params.values() for p in ps.values())


def test_a_run_from_a_later_iteration_counts_its_own_epochs() -> None:
    scenario = diverging()
    first_bad, history = by_hand(scenario, LOSS_LIMIT)
    start = first_bad - 4  # two epochs of this run are 6 iterations: it blows up in its 2nd
    w, b = history[start - 1][:2], history[start - 1][2:]
    trainer = Trainer(scenario, {"fc": {"weight": w.reshape(1, 2), "bias": b}}, iteration=start)
    with pytest.raises(TrainingDiverged) as caught:
        trainer.run_epochs(10)
    assert caught.value.iteration == first_bad and caught.value.epoch == 2


@pytest.mark.parametrize(("loss", "theta", "said"), [
    (float("nan"), [0.0], "the loss became NaN"),
    (float("inf"), [0.0], "the loss overflowed to ∞"),
    (-float("inf"), [0.0], "the loss overflowed to ∞"),
    (2 * LOSS_LIMIT, [0.0], "the loss reached 2.000e30, past 1e30"),
    (0.5, [1.0, float("inf")], "a parameter overflowed to ∞ or NaN in the update (the loss was 0.5000)"),
    (0.5, [float("nan")], "a parameter overflowed to ∞ or NaN"),
    (0.5, [1e200, 1.0], "a parameter grew past 1e154"),
])
@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_blown_up_names_what_blew_up(loss: float, theta: list[float], said: str) -> None:
    assert said in (blown_up(loss, np.array(theta)) or "")


def test_a_healthy_iteration_is_not_blown_up() -> None:
    assert blown_up(0.347, np.array([0.1, -0.2, 1e100])) is None
    assert blown_up(LOSS_LIMIT, np.zeros(3)) is None
    assert blown_up(0.0, np.zeros(0)) is None  # a network without parameters
