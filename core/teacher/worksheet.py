"""A printable worksheet for one student: the network, its given numbers (inputs, targets,
weights, biases) and a blank for every asked value, in Markdown and in LaTeX. It shows
nothing computed: no value of the iteration appears on it."""

from __future__ import annotations

import numpy as np

from core.engine.quantities import KINDS, format_index, parse_name
from core.engine.scenario import Scenario
from core.exports import latex
from core.i18n import tr, writing_in
from core.nn.optim import optimizer_words
from core.numbers import fmt
from core.teacher.tolerance import Tolerance
from core.text import markdown_text


def _given(scenario: Scenario) -> list[tuple[str, str]]:
    """(name, value) of every given number: the iteration's inputs and targets, the parameters."""
    rows: list[tuple[str, str]] = []
    batch = scenario.batch_size
    for key, arr in (("input", scenario.samples.x[:batch]), ("target", scenario.samples.y[:batch])):
        values = arr[0] if batch == 1 else arr
        rows += [(key + format_index(tuple(int(i) for i in idx)), fmt(float(values[idx]), None))
                 for idx in np.ndindex(values.shape)]
    for layer, params in scenario.params.items():
        for pname, arr in params.items():
            rows += [(f"{layer}.{pname}{format_index(tuple(int(i) for i in idx))}", fmt(float(arr[idx]), None))
                     for idx in np.ndindex(arr.shape)]
    return rows


def _layers(scenario: Scenario) -> list[str]:
    lines = [tr("input {shape}", shape=list(scenario.input_shape))]
    for layer in scenario.network.layers:
        inputs = scenario.network.inputs_of(layer.name)
        reads = tr(" (reads {inputs})", inputs=", ".join(inputs)) if len(inputs) > 1 else ""
        lines.append(f"{layer.name}: {layer.describe()} → {list(layer.out_shape)}{reads}")
    return lines


def _settings(scenario: Scenario) -> str:
    words = tr("loss {loss}; learning rate α = {rate}", loss=scenario.loss, rate=fmt(scenario.learning_rate, None))
    if scenario.batch_size > 1:
        words += tr("; batch of {n} (gradients are means over the batch)", n=scenario.batch_size)
    if optimizer_words(scenario.optimizer):
        words += f"; {optimizer_words(scenario.optimizer)}"
    return words


def _title(name: str) -> str:
    return tr(KINDS[parse_name(name).kind].title, optimizer="")


def markdown(scenario: Scenario, sid: str, asked: tuple[str, ...], tolerance: Tolerance) -> str:
    """The worksheet as Markdown, in the interface's language."""
    out = [tr("# Exercise for {id}", id=markdown_text(sid)), "", f"*{markdown_text(scenario.name)}*", "",
           tr("Work out one iteration (forward, backward, update) by hand and write each asked value "
              "{tolerance}. Write your answers into the `expected:` block of your file `{id}.yaml` "
              "(or open it in cnn-tui and press `x` on each value), and hand the file back.",
              tolerance=tolerance.describe(), id=sid), "",
           tr("## The network"), ""]
    out += [f"- {markdown_text(line)}" for line in _layers(scenario)]
    out += ["", f"{markdown_text(_settings(scenario))}.", "", tr("## Given"), "", tr("| value | number |"),
            "|---|---|"]
    out += [f"| `{name}` | {value} |" for name, value in _given(scenario)]
    out += ["", tr("## Work out ({n} values)", n=len(asked)), "", tr("| # | value | what it is | your answer |"),
            "|---|---|---|---|"]
    out += [f"| {i} | `{name}` | {markdown_text(_title(name))} | |" for i, name in enumerate(asked, start=1)]
    return "\n".join(out) + "\n"


_PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb,longtable}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\renewcommand{\arraystretch}{1.4}
"""


def tex(scenario: Scenario, sid: str, asked: tuple[str, ...], tolerance: Tolerance) -> str:
    """The worksheet as LaTeX (article, amsmath, longtable): blanks are ruled lines. In English
    whatever the interface speaks: a stock pdflatex has no Chinese fonts."""
    with writing_in("en"):
        return _tex(scenario, sid, asked, tolerance)


def _tex(scenario: Scenario, sid: str, asked: tuple[str, ...], tolerance: Tolerance) -> str:
    t = latex.text
    out = [_PREAMBLE, r"\begin{document}", r"\section*{Exercise for " + t(sid) + "}", r"\textit{" + t(scenario.name)
           + "}\n", t(f"Work out one iteration (forward, backward, update) by hand and write each asked value "
                      f"{tolerance.describe()}."), "", r"\subsection*{The network}", r"\begin{itemize}"]
    out += [r"\item " + t(line) for line in _layers(scenario)]
    out += [r"\end{itemize}", t(_settings(scenario)) + ".", "", r"\subsection*{Given}",
            r"\begin{longtable}{ll}", r"\textbf{value} & \textbf{number} \\ \hline \endhead"]
    out += [r"\texttt{" + t(name) + "} & " + t(value) + r" \\" for name, value in _given(scenario)]
    out += [r"\end{longtable}", r"\subsection*{Work out (" + str(len(asked)) + " values)}",
            r"\begin{longtable}{rllp{4cm}}",
            r"\textbf{\#} & \textbf{value} & \textbf{what it is} & \textbf{your answer} \\ \hline \endhead"]
    out += [f"{i} & " + r"\texttt{" + t(name) + "} & " + t(_title(name)) + r" & \hrulefill \\"
            for i, name in enumerate(asked, start=1)]
    out += [r"\end{longtable}", r"\end{document}"]
    return "\n".join(out) + "\n"
