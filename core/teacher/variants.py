"""A student's own variant of a scenario: new weights and inputs, drawn from the teacher's
seed and the student's id (so the same seed and id always give the same file), on a
hand-friendly grid (one or two decimals), redrawn until ``friendly.faults`` finds nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.engine.scenario import Exercise, SampleSet, Scenario
from core.engine.stepper import Stepper
from core.errors import CnnTuiError
from core.i18n import tr
from core.nn.optim import OptimizerState
from core.numbers import fmt
from core.teacher.ask import asked_names
from core.teacher.friendly import hard_faults, hidden_slips_by_name
from core.teacher.tolerance import Tolerance

MAX_DRAWS = 60  # draws per student before giving up
WIDEST_INPUTS = 1e14  # the inputs' range from which a grid of tenths is still exact in float64 (2**53 steps)


class VariantError(CnnTuiError):
    """No hand-friendly variant was found (the message says what kept failing)."""


@dataclass(frozen=True)
class Variant:
    """A student's scenario (with its ``exercise`` block), the names asked and its digest."""

    id: str
    scenario: Scenario
    asked: tuple[str, ...]
    digest: str
    draws: int
    hidden_slips: tuple[str, ...] = ()  # asked values where some slip would not show (see make_variant)


def _rng(seed: int, sid: str, draw: int) -> np.random.Generator:
    material = hashlib.sha256(f"cnn-tui exercise|{seed}|{sid}|{draw}".encode()).digest()
    return np.random.default_rng(int.from_bytes(material[:16], "big"))


FINER_AFTER = 40  # draws on the one-decimal grid before trying two decimals


def _grid_draw(rng: np.random.Generator, shape: tuple[int, ...], magnitude: float, fine: bool,
               half: bool = False) -> np.ndarray:
    """Nonzero values up to about twice ``magnitude`` (larger weights keep the gradients deep
    in a network visible at three decimals): one decimal (magnitude ≥ 0.1, unless
    ``fine``), else two. ``half`` puts them half-way between the grid's steps (0.05, 0.15, …):
    a bias there keeps a net of 0/1 inputs and one-decimal weights off 0."""
    if magnitude >= 0.1 and not fine:
        step, most, decimals = 0.1, round(float(np.clip(2 * magnitude / 0.1, 6, 9))), 1  # (clipped first: 2·1e308 is ∞)
    else:
        step, most, decimals = 0.01, round(float(np.clip(magnitude / 0.01, 5, 90))), 2
    sign = rng.choice((-1, 1), size=shape)
    if half and decimals == 1:
        halves = rng.integers(0, most, size=shape) + 0.5
        between: np.ndarray = np.round(sign * halves * step, 2).astype(np.float64)
        return between
    steps = rng.integers(1, most + 1, size=shape)
    drawn: np.ndarray = np.round(sign * steps * step, decimals).astype(np.float64)
    return drawn


def _magnitude(arr: np.ndarray, fallback: float) -> float:
    m = float(np.max(np.abs(arr), initial=0.0))
    return m if m > 0 else fallback


def _draw_params(base: Scenario, rng: np.random.Generator, fine: bool) -> dict[str, dict[str, np.ndarray]]:
    params: dict[str, dict[str, np.ndarray]] = {}
    for layer in base.network.param_layers():
        own = base.params[layer.name]
        fan_in = max(layer.fans()[0], 1)
        weight_scale = _magnitude(own["weight"], 1.0 / np.sqrt(fan_in))
        if f"{layer.name}.weight" in base.initialised:
            weight_scale = max(1.0 / np.sqrt(fan_in), 0.1)
        drawn = {}
        for pname, arr in own.items():
            start = layer.param_defaults.get(pname)
            if start:  # drawn around its fixed start (batch norm's γ near 1): never 0 or of the other sign
                drawn[pname] = np.round(start + _grid_draw(rng, arr.shape, abs(start) / 4, fine), 2)
                continue
            scale = weight_scale if pname == "weight" else _magnitude(arr, weight_scale)
            drawn[pname] = _grid_draw(rng, arr.shape, scale, fine, half=pname == "bias")
        params[layer.name] = drawn
    return params


def _draw_inputs(base: Scenario, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Inputs like the scenario's: 0/1 pictures stay 0/1; others one decimal over their range."""
    x = base.samples.x
    if np.all((x == 0) | (x == 1)):
        share = float(np.clip(np.mean(x), 0.25, 0.75))
        pictures: np.ndarray = (rng.random(shape) < share).astype(np.float64)
        return pictures
    lo, hi = np.floor(float(np.min(x)) * 10) / 10, np.ceil(float(np.max(x)) * 10) / 10
    if hi - lo < 1:
        hi = lo + 1
    if not hi - lo <= WIDEST_INPUTS:  # (∞ too) tenths this far apart are no grid a float holds
        raise VariantError(tr("the inputs of '{name}' range from {lo} to {hi}: too wide to draw hand-friendly "
                              "inputs on a grid of tenths (every input of an exercise is at most 100)",
                              name=base.name, lo=fmt(float(np.min(x)), None), hi=fmt(float(np.max(x)), None)))
    steps = int(round((hi - lo) * 10))
    drawn: np.ndarray = np.round(lo + rng.integers(0, steps + 1, size=shape) * 0.1, 1).astype(np.float64)
    return drawn


def draw_scenario(base: Scenario, seed: int, sid: str, draw: int) -> Scenario:
    """One draw of a variant (not yet checked): the samples of iteration 1 with new inputs
    and the same targets, new parameters, its own given arrays (dropout's mask, written in
    the file so that the hand-worker sees it), no expected values, a fresh optimizer state."""
    rng = _rng(seed, sid, draw)
    take = [i % len(base.samples) for i in range(base.batch_size)]
    samples = base.samples
    labels = None if samples.labels is None else samples.labels[take].copy()
    x = _draw_inputs(base, rng, (len(take), *base.input_shape))
    new = base.copy()
    new.name = f"{base.name} — exercise for {sid}"  # one name in every language: LaTeX prints it
    new.description = tr("Your own copy of '{name}', with your own weights and inputs: work out the "
                         "values listed under exercise.ask by hand (or in cnn-tui) and hand this file back.",
                         name=base.name)
    new.params = _draw_params(base, rng, fine=draw >= FINER_AFTER)
    new.given = {f"{layer.name}.{kind}": layer.draw(kind, rng, len(take))  # a dropout mask: each student's own
                 for layer in base.network.layers for kind in layer.given_kinds}
    new.samples = SampleSet(x=x, y=samples.y[take].copy(), labels=labels)
    new.test_samples = None
    new.seed = None
    new.init = None
    new.expected = {}
    new.path = None
    new.initialised = frozenset()
    new.optimizer_state = OptimizerState()
    return new


def digest(scenario: Scenario) -> str:
    """A fingerprint of everything a student must not change: the network, parameters,
    samples, settings, optimizer state and the exercise's id and asked names (not the
    title, the display decimals or the answers)."""
    from core.scenario.save import scenario_data

    data = scenario_data(replace(scenario, expected={}), Path("variant.yaml"))
    for field in ("name", "description", "display", "expected"):
        data.pop(field, None)
    if "exercise" in data:
        data["exercise"] = {"id": data["exercise"]["id"], "ask": data["exercise"]["ask"]}
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def make_variant(base: Scenario, seed: int, sid: str, scope: str, tolerance: Tolerance,
                 reveal: str = "after") -> Variant:
    """The first draw for ``sid`` with no fault for the asked values. Hard faults (a tie,
    a ReLU at 0, a saturated sigmoid, a huge number) are never accepted; if every draw
    leaves some value where a slip would hide (tiny gradients deep in a network can make
    that unavoidable at the display decimals), the draw with the fewest such values is
    taken and they are listed in ``Variant.hidden_slips``."""
    best: tuple[int, Scenario, list[str], list[str], int] | None = None
    last: list[str] = []
    asked: list[str] | None = None
    suspects: dict[str, int] = {}  # asked name → draws in which it hid a slip
    for draw in range(MAX_DRAWS):
        candidate = draw_scenario(base, seed, sid, draw)
        stepper = Stepper(candidate)
        if asked is None:  # the same names for every draw: the network and its shapes stay
            asked = asked_names(stepper, scope)
        else:
            stepper.run_iteration()
        last = hard_faults(stepper, asked, tolerance)
        if last:
            continue
        limit = None if best is None else best[0]
        order = sorted(suspects, key=lambda name: -suspects[name])
        pairs = hidden_slips_by_name(stepper, asked, tolerance, limit, order)
        for name, _ in pairs:
            suspects[name] = suspects.get(name, 0) + 1
        hidden = [message for _, message in pairs]
        if best is None or len(hidden) < best[0]:
            best = (len(hidden), candidate, asked, hidden, draw)
        if not hidden:
            break
    if best is None:
        raise VariantError(tr("no hand-friendly variant of '{name}' for {id} in {draws} draws "
                              "(the last one: {last}): ask fewer values (--ask) or use a smaller network",
                              name=base.name, id=sid, draws=MAX_DRAWS, last=last[0] if last else tr("unknown")))
    _, candidate, asked, hidden, draw = best
    candidate.exercise = Exercise(sid, tuple(asked), "always" if reveal == "always" else "after")
    return Variant(sid, candidate, tuple(asked), digest(candidate), draw + 1, tuple(hidden))
