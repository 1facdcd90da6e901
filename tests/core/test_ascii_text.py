"""--ascii's spellings (core.ascii_text): readable ASCII for the app's text, one cell for one elsewhere."""

from __future__ import annotations

import io
import unicodedata

import numpy as np
import pytest

from core.ascii_text import (
    SpelledStream,
    ascii_mode,
    one_cell,
    shown,
    spell,
    spell_mapped,
    using_ascii,
)
from core.engine.quantities import format_index
from core.engine.stepper import Stepper
from core.explain.explainer import explain
from core.exports.report import quantity_names
from core.scenario.catalog import load
from core.text import cell_width


@pytest.mark.parametrize(("text", "spelled"), [
    ("δ_out[0] = a_out[0] − y[0] = 0.706 − 1 = −0.294", "delta_out[0] = a_out[0] - y[0] = 0.706 - 1 = -0.294"),
    ("w′_out[0,0] = w_out[0,0] − α·δ_out[0]·a_fc[0] = 0.1 − 0.5·(−0.294)·0.608 = 0.189",
     "w'_out[0,0] = w_out[0,0] - alpha*delta_out[0]*a_fc[0] = 0.1 - 0.5*(-0.294)*0.608 = 0.189"),
    ("∂C/∂w_out[0,0] = δ_out[0]·a_fc[0]", "dC/dw_out[0,0] = delta_out[0]*a_fc[0]"),
    ("w′ = w − α·m̂ / (√v̂ + ε)", "w' = w - alpha*m_hat / (sqrt(v_hat) + eps)"),
    ("m̂ = m / (1 − β₁ᵗ)", "m_hat = m / (1 - beta_1^t)"),
    ("E = ½·Σ_i (y_i − a_i)²", "E = 1/2*sum_i (y_i - a_i)^2"),
    ("σ²_c·N/(N − 1)", "sigma^2_c*N/(N - 1)"),
    ("e^(−x²)/√π", "e^(-x^2)/sqrt(pi)"),
    ("U(±√(6/(fan_in+fan_out)))", "U(+/-sqrt(6/(fan_in+fan_out)))"),
    ("Σ_{j≠i} y_j ≥ 0, ≤ 1 ≈ 1e−6, 10⁻⁶", "sum_{j!=i} y_j >= 0, <= 1 ~ 1e-6, 10^-6"),
    ("expected 0.385 ✓ 0.3846 rounds to 0.385", "expected 0.385 ok 0.3846 rounds to 0.385"),
    ("expected −0.026 ✗ — the exact value is −0.0140", "expected -0.026 X -- the exact value is -0.0140"),
    ("conv1d 2×3 · sigmoid", "conv1d 2x3 | sigmoid"),
    ("… 28×28×64 in all", "... 28x28x64 in all"),
    ("w ← w − α·g  (↑↓ scroll, h: numbers ↔ heatmap, a → b)",
     "w <- w - alpha*g  (up/down scroll, h: numbers <-> heatmap, a -> b)"),
    ("2π and σx", "2pi and sigma x"),
    ("`·` marks a value not computed yet", "`.` marks a value not computed yet"),
])
def test_the_app_s_symbols_are_spelled_readably(text, spelled):
    assert spell(text) == spelled
    assert spell(text).isascii()


def test_a_spaced_dot_is_a_product_in_a_formula_and_a_separator_in_prose():
    line = "δ_fc[0] = ∂E/∂a_fc[0] · σ′(z_fc[0])"
    assert spell(line, formula=True) == "delta_fc[0] = dE/da_fc[0] * sigma'(z_fc[0])"
    assert spell("forward 2/4: pool  ·  loss 0.347") == "forward 2/4: pool  |  loss 0.347"
    assert spell("·") == "."  # a value not computed yet, alone


def test_chinese_stays_and_everything_else_is_ascii():
    assert spell("推导 · 正向传播：δ → σ（反向）") == "推导 | 正向传播：delta -> sigma（反向）"
    assert one_cell("推导 δ·σ") == "推导 d.s"


def test_ascii_text_is_returned_as_it_is():
    text = "z_conv[0,0] = 0.1*0.1 + 0.5 = 0.510 [b]markup[/b]"
    assert spell(text) is text
    assert one_cell(text) is text


@pytest.mark.parametrize(("char", "cells"), [
    ("╭", "+"), ("─", "-"), ("│", "|"), ("┼", "+"), ("━", "-"), ("┃", "|"), ("╰", "+"), ("╴", "-"),
    ("▀", "^"), ("█", "#"), ("▁", "_"), ("▏", "|"), ("▚", "%"), ("δ", "d"), ("·", "."), ("−", "-"),
    ("✓", "+"), ("✗", "X"), ("≈", "~"), ("→", ">"), ("…", "."), ("—", "-"), ("é", "e"),
    ("📁", "[]"), ("\u0302", ""), ("\ufe0f", ""), ("推", "推"),
])
def test_one_cell_keeps_every_width(char, cells):
    assert one_cell(char) == cells
    assert cell_width(char) == sum(cell_width(c) for c in cells)


def test_one_cell_covers_all_box_drawing_and_block_characters():
    for code in range(0x2500, 0x25A0):
        char = chr(code)
        assert one_cell(char).isascii() and len(one_cell(char)) == 1, unicodedata.name(char)
        assert one_cell(char) != "?", unicodedata.name(char)


def test_spans_follow_the_characters_they_style():
    text = "δ·x² = √v̂ ok"
    spelled, where = spell_mapped(text)
    assert spelled == "delta*x^2 = sqrt(v_hat) ok"
    assert spelled[where[0]:where[1]] == "delta"
    assert spelled[where[2]:where[3]] == "x"
    assert spelled[where[3]:where[4]] == "^2"
    assert spelled[where[11]:where[13]] == "ok"
    assert where[-1] == len(spelled)
    assert where == sorted(where)


def test_the_mode_is_switched_for_a_block_and_restored():
    assert not ascii_mode()
    assert shown("α") == "α"
    with using_ascii():
        assert ascii_mode()
        assert shown("α") == "alpha"
        assert shown("a · b", formula=True) == "a * b"
    assert not ascii_mode()


def test_a_spelled_stream_writes_ascii():
    target = io.StringIO()
    stream = SpelledStream(target, formula=True)
    assert stream.write("δ = a · b\n") == len("δ = a · b\n")
    stream.flush()
    assert target.getvalue() == "delta = a * b\n"


@pytest.mark.parametrize("scenario", ["tiny-cnn", "adam-step", "batchnorm-tiny"])
def test_every_derivation_of_an_iteration_spells_to_ascii(scenario):
    """Every formula, title and note the explainer writes for a whole iteration (SGD,
    Adam, batch norm) spells to ASCII with no character left unknown (no ``?``)."""
    stepper = Stepper(load(scenario))
    stepper.run_iteration()
    names = []
    for array_name in quantity_names(stepper):
        values = stepper.array(array_name)
        if values is not None:
            shape = np.shape(values)
            names += [f"{array_name}{format_index(i)}" if shape else array_name for i in np.ndindex(*shape)][:6]
    seen = 0
    for name in names:
        d = explain(stepper, name, 3)
        for text in (d.title, *d.lines(), *d.notes, *d.steps):
            spelled = spell(text, formula=True)
            assert spelled.isascii(), (text, spelled)
            assert "?" not in spelled or "?" in text, (text, spelled)
            seen += 1
    assert seen > 50
