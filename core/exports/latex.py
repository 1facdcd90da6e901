"""Turn the derivations' Unicode notation into LaTeX that a stock pdflatex compiles.

``text`` is also how every string from a file (a scenario's name, an expected value as
written) enters a LaTeX export: each special character is escaped and control characters
are made visible, so ``\\input{/etc/passwd}`` or a ``$`` prints as written and runs nothing.
"""

from __future__ import annotations

import re

from core.text import visible

_MATH_SYMBOLS = {
    "δ": r"\delta ", "∂": r"\partial ", "α": r"\alpha ", "σ": r"\sigma ", "Σ": r"\sum ",
    "−": "-", "·": r"\cdot ", "′": "'", "²": "^2", "½": r"\tfrac{1}{2}", "…": r"\ldots ",
    "←": r"\leftarrow ", "→": r"\rightarrow ", "≠": r"\neq ", "≥": r"\geq ", "≤": r"\leq ",
    "∞": r"\infty ", "≈": r"\approx ", "×": r"\times ", "✓": r"\checkmark ", "✗": r"\times ",
    "μ": r"\mu ", "γ": r"\gamma ", "β": r"\beta ", "ε": r"\varepsilon ", "√": r"\surd ",  # batch norm, optimizers
    "Φ": r"\Phi ", "φ": r"\varphi ", "π": r"\pi ",  # gelu
    "λ": r"\lambda ", "τ": r"\tau ", "ρ": r"\rho ",  # the optimizers' settings (β₁, β₂, ε, μ, λ, τ, ρ)
}
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ᵗ", "0123456789t")
_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_ROOTED = r"(\\hat\{[A-Za-z]\}|\([^()]*\)|[^\s()+/·−]+(?:\([^()]*\))?)"  # √v̂, √(…), √0.09, √v′(w…)
_TEXT_CHARS = {"—": "---", "–": "--", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}",
               "é": r"\'e", "è": r"\`e", "ü": r'\"u', "ö": r'\"o', "ä": r'\"a'}
_TEXT_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}  # OT1 prints < as ¡


def math(expr: str) -> str:
    """A formula such as ``δ_fc[0] = (…)·a_fc[0]·(1 − a_fc[0])`` in LaTeX math mode (without $)."""
    # a primed symbol that has a subscript (σ²_run′_bn[0]) is one group before its prime and next subscript
    text = re.sub(r"([^\s(·{}]+_[a-z]+)′", r"{\1}′", expr)
    text = re.sub(r"\^\(([^()]*(?:\([^()]*\)[^()]*)*)\)", r"^{(\1)}", text)  # e^(−z) → e^{(−z)}
    text = re.sub(r"e\^([^\s()/+]+)", r"e^{\1}", text)  # e^z_out[0] → e^{z_out[0]}
    text = re.sub(r"_\(([^()]*)\)", r"_{\1}", text)
    text = re.sub(r"_([a-z][a-z0-9_]*)", lambda m: "_{\\mathrm{" + m.group(1).replace("_", r"\_") + "}}", text)
    text = re.sub(r"\b(ln|max|tanh)\b", r"\\\1 ", text)
    text = re.sub(r"\berf\(", r"\\operatorname{erf}(", text)
    text = re.sub(r"√\(([^()]*)\)", r"\\sqrt{\1}", text)  # √(σ² + ε) → \sqrt{σ² + ε}
    text = re.sub("([A-Za-z])\u0302", r"\\hat{\1}", text)  # x̂, m̂ (a letter and a combining hat) → \hat{m}
    text = re.sub("√" + _ROOTED, lambda m: r"\sqrt{" + m.group(1) + "}", text)
    text = re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹ᵗ]+", lambda m: "^{" + m.group().translate(_SUPERSCRIPTS) + "}", text)
    text = re.sub("[₀₁₂₃₄₅₆₇₈₉]+", lambda m: "_{" + m.group().translate(_SUBSCRIPTS) + "}", text)
    return "".join(_MATH_SYMBOLS.get(ch, ch) for ch in text)


def text(prose: str) -> str:
    """Prose with notation inside, escaped for LaTeX text mode (control characters visible)."""
    out = []
    for ch in visible(prose):
        if ch in _TEXT_SPECIAL:
            out.append(_TEXT_SPECIAL[ch])
        elif ch in _TEXT_CHARS:
            out.append(_TEXT_CHARS[ch])
        elif ch in _MATH_SYMBOLS:
            out.append("\\ensuremath{" + _MATH_SYMBOLS[ch].strip() + "}")
        elif ord(ch) > 127:
            out.append("?")  # anything else outside ASCII: never break the build
        else:
            out.append(ch)
    return "".join(out)
