"""Build the Derivation of any single quantity from the stepper's stored arrays.

Explanations are built lazily, for the one value a learner looks at; long sums show
their first terms only, so explaining costs the same in a network of any size. The
value shown is always the stored one: nothing here recomputes the maths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.engine.quantities import QuantityRef, format_index, parse_name
from core.engine.quantity_shapes import check_index, quantity_shape
from core.errors import QuantityError
from core.explain.derivation import Derivation
from core.nn.layers import Add, Conv, Dense, Flatten, Layer, Pool
from core.numbers import fmt, pfmt

if TYPE_CHECKING:
    from core.engine.stepper import Stepper

MAX_TERMS = 6
SYMBOLS = {"net": "z", "out": "a", "delta": "δ", "weight": "w", "bias": "b", "new_weight": "w′",
           "new_bias": "b′"}
TITLES = {
    "net": "pre-activation (net input) z", "out": "output (activation applied)",
    "grad_out": "∂E/∂out, the loss's slope at this output", "delta": "δ = ∂E/∂net (the notes' coef)",
    "weight": "weight used by the forward pass", "bias": "bias used by the forward pass",
    "grad_weight": "gradient of the loss with respect to this weight",
    "grad_bias": "gradient of the loss with respect to this bias",
    "new_weight": "weight after the SGD update", "new_bias": "bias after the SGD update",
    "input": "input value of the sample", "target": "target value of the sample", "loss": "loss",
}


def explain(stepper: Stepper, name: str, decimals: int | None = 3) -> Derivation:
    """The Derivation of one value, e.g. ``explain(s, "fc.delta[0]")``.

    Raises QuantityError if the name does not exist or the value is not computed yet.
    """
    ref = parse_name(name)
    shape = quantity_shape(stepper.network, stepper.batch_size, ref)
    check_index(shape, ref, require_scalar=True)
    if stepper.array(ref.array_name) is None:
        raise QuantityError(f"{ref} is not computed yet (next step: {stepper.phase().describe()})")
    return _Explainer(stepper, decimals).build(ref)


def _terms(pairs: list[tuple[str, str]], total: int | None = None) -> tuple[str, str]:
    """Join (symbolic, numeric) terms with +, keeping the first MAX_TERMS."""
    total = len(pairs) if total is None else total
    shown = pairs[:MAX_TERMS]
    if total == 1 and shown and shown[0][1].startswith("(") and shown[0][1].endswith(")") \
            and "(" not in shown[0][1][1:-1]:
        shown = [(shown[0][0], shown[0][1][1:-1])]  # a lone negative term needs no parentheses
    sym = " + ".join(s for s, _ in shown) or "0"
    num = " + ".join(n for _, n in shown) or "0"
    if total > len(shown):
        more = f" + … ({total - len(shown)} more terms)"
        sym += more
        num += more
    return sym, num


class _Explainer:
    def __init__(self, stepper: Stepper, decimals: int | None) -> None:
        self.st = stepper
        self.d = decimals
        self.network = stepper.network
        self.batch = stepper.batch_size
        loss = self.network.loss
        self.E = loss.symbol

    # --- small helpers ---------------------------------------------------------------
    def n(self, v: float) -> str:
        return fmt(v, self.d, trim=True, sig=3)

    def p(self, v: float) -> str:
        return pfmt(v, self.d, trim=True, sig=3)

    def split(self, ref: QuantityRef) -> tuple[int, tuple[int, ...]]:
        """(sample in batch, index within the sample) of a per-sample name."""
        assert ref.index is not None
        return (ref.index[0], ref.index[1:]) if self.batch > 1 else (0, ref.index)

    def shown(self, b: int, idx: tuple[int, ...]) -> str:
        return format_index((b, *idx) if self.batch > 1 else idx)

    def sym(self, kind: str, layer: str | None, b: int, idx: tuple[int, ...]) -> str:
        """Symbol of a per-sample quantity: ``a_fc[0]``, ``x[0,3]``, ``∂E/∂a_pool[1,0]``."""
        if layer is None:
            return ("x" if kind == "input" else "y") + self.shown(b, idx)
        if kind == "grad_out":
            return f"∂{self.E}/∂a_{layer}{self.shown(b, idx)}"
        return f"{SYMBOLS[kind]}_{layer}{self.shown(b, idx)}"

    def psym(self, kind: str, layer: str, idx: tuple[int, ...]) -> str:
        """Symbol of a parameter-shaped quantity: ``w_out[0,1]``, ``∂E/∂w_out[0,1]``."""
        if kind.startswith("grad_"):
            return f"∂{self.E}/∂{SYMBOLS[kind[5:]]}_{layer}{format_index(idx)}"
        return f"{SYMBOLS[kind]}_{layer}{format_index(idx)}"

    def val(self, key: str, b: int, idx: tuple[int, ...]) -> float:
        arr = self.st.batched(key)
        if arr is None:
            raise QuantityError(f"{key} is not computed yet")
        return float(arr[(b, *idx)])

    def param(self, layer: str, kind: str, idx: tuple[int, ...]) -> float:
        return float(self.st.params[layer][kind][idx])

    def input_of(self, i: int, position: int = 0) -> tuple[str | None, str]:
        """(layer name or None for the sample, key of the array) of input ``position`` of
        layer i (its first, unless it reads several)."""
        src = self.network.inputs_of(self.network.layers[i].name)[position]
        if src == "input":
            return None, "input"
        return src, f"{src}.out"

    def in_sym(self, i: int, b: int, idx: tuple[int, ...], position: int = 0) -> str:
        layer, _ = self.input_of(i, position)
        return self.sym("input" if layer is None else "out", layer, b, idx)

    def in_val(self, i: int, b: int, idx: tuple[int, ...], position: int = 0) -> float:
        return self.val(self.input_of(i, position)[1], b, idx)

    def make(self, ref: QuantityRef, symbol: str, formula: str, substituted: str,
             notes: tuple[str, ...] = (), steps: tuple[str, ...] = (), title: str | None = None) -> Derivation:
        value = self.st.value(str(ref))
        layer = f" of {ref.layer}" if ref.layer else ""
        return Derivation(str(ref), title or f"{TITLES[ref.kind]}{layer}", symbol, formula, substituted,
                          value, self.d, notes, steps)

    # --- dispatch ----------------------------------------------------------------------
    def build(self, ref: QuantityRef) -> Derivation:
        if ref.layer is None:
            return self.loss(ref) if ref.kind == "loss" else self.given(ref)
        i = self.network.index_of(ref.layer)
        layer = self.network.layers[i]
        method = getattr(self, ref.kind)
        return method(ref, i, layer)

    # --- given values ---------------------------------------------------------------
    def given(self, ref: QuantityRef) -> Derivation:
        b, idx = self.split(ref)
        sample = self.st.sample_indices()[b]
        symbol = self.sym(ref.kind, None, b, idx)
        value = self.st.value(str(ref))
        labels = self.st.state.samples.labels
        how = f"sample {sample + 1} of {len(self.st.state.samples)}, as given"
        before = self.st.state.edits.get(str(ref))
        if before is not None:
            how = f"sample {sample + 1}, edited by you (it was {self.n(before)})"
        if ref.kind == "target" and labels is not None and labels[sample] >= 0:
            how = f"one-hot target of class {int(labels[sample])} (sample {sample + 1})"
        return self.make(ref, symbol, self.n(value), "", notes=(how,))

    def weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        assert ref.index is not None
        symbol = self.psym(ref.kind, layer.name, ref.index)
        it = self.st.iteration
        source = ("as given in the scenario" if it == 1
                  else f"the value after iteration {it - 1}'s update")
        scenario = self.st.scenario
        if it == 1 and f"{layer.name}.{ref.kind}" in scenario.initialised:
            how = "zero" if ref.kind == "bias" else (scenario.layer_specs[i].get("init") or scenario.init or "xavier")
            source = f"drawn at load ({how} initialisation, seed {scenario.seed or 0}): the file leaves it out"
        before = self.st.state.edits.get(str(ref))
        if before is not None:
            source = f"edited by you (it was {self.n(before)})"
        note = f"{source}; frozen (never updated)" if ref.kind in layer.frozen else source
        return self.make(ref, symbol, self.n(self.st.value(str(ref))), "", notes=(note,))

    bias = weight

    # --- forward ----------------------------------------------------------------------
    def net(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("net", layer.name, b, idx)
        pairs: list[tuple[str, str]] = []
        notes: tuple[str, ...] = ()
        if isinstance(layer, Add):
            count = len(self.network.inputs_of(layer.name))
            pairs = [(self.in_sym(i, b, idx, k), self.p(self.in_val(i, b, idx, k))) for k in range(count)]
            sym, num = _terms(pairs, count)
            return self.make(ref, symbol, sym, num,
                             notes=("add: the inputs summed element by element (a residual connection)",))
        if isinstance(layer, Dense):
            unit = idx[0]
            in_shape = layer.in_shape
            count = layer.inputs
            for j in range(min(count, MAX_TERMS)):
                jidx = tuple(int(v) for v in np.unravel_index(j, in_shape))
                w = self.param(layer.name, "weight", (unit, j))
                pairs.append((f"{self.psym('weight', layer.name, (unit, j))}·{self.in_sym(i, b, jidx)}",
                              f"{self.p(w)}·{self.p(self.in_val(i, b, jidx))}"))
            total = count
            bias_idx: tuple[int, ...] = (unit,)
        else:
            assert isinstance(layer, Conv)
            g = layer.geometry
            f = idx[0]
            pos = g.flat_position(idx[1:])
            taps = g.kernel[0] * g.kernel[1]
            total = 0
            padded = 0
            for c in range(g.channels):
                for k in range(taps):
                    src = g.input_position(pos, k)
                    if src is None:
                        padded += 1
                        continue
                    total += 1
                    if len(pairs) >= MAX_TERMS:
                        continue
                    kidx = tuple(int(v) for v in np.unravel_index(k, g.kernel)) if g.dims == 2 else (k,)
                    widx = (f, c, *kidx)
                    w = self.param(layer.name, "weight", widx)
                    pairs.append((f"{self.psym('weight', layer.name, widx)}·{self.in_sym(i, b, (c, *src))}",
                                  f"{self.p(w)}·{self.p(self.in_val(i, b, (c, *src)))}"))
            if padded:
                notes = (f"{padded} kernel taps fall on zero padding and add nothing",)
            notes += (f"cross-correlation: window at output position {list(idx[1:])}, "
                      f"stride {g.stride[1] if g.dims == 1 else list(g.stride)}",)
            bias_idx = (f,)
        sym, num = _terms(pairs, total)
        bsym = self.psym("bias", layer.name, bias_idx)
        bval = self.param(layer.name, "bias", bias_idx)
        return self.make(ref, symbol, f"{sym} + {bsym}", f"{num} + {self.p(bval)}", notes)

    def out(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("out", layer.name, b, idx)
        if isinstance(layer, Pool):
            return self.pool_out(ref, i, layer, b, idx, symbol)
        if isinstance(layer, Flatten):
            src = tuple(int(v) for v in np.unravel_index(idx[0], layer.in_shape))
            return self.make(ref, symbol, self.in_sym(i, b, src), self.n(self.in_val(i, b, src)),
                             notes=("flatten keeps the value; C order (channel-major)",))
        act = layer.activation
        assert act is not None
        z = self.val(f"{layer.name}.net", b, idx)
        zs = self.sym("net", layer.name, b, idx)
        if act.name == "sigmoid":
            return self.make(ref, symbol, f"σ({zs}) = 1 / (1 + e^(−{zs}))", f"1 / (1 + e^(−{self.p(z)}))")
        if act.name == "tanh":
            return self.make(ref, symbol, f"tanh({zs})", f"tanh({self.n(z)})")
        if act.name == "relu":
            return self.make(ref, symbol, f"max(0, {zs})", f"max(0, {self.n(z)})")
        if act.name == "linear":
            return self.make(ref, symbol, zs, self.n(z), notes=("linear activation: a = z",))
        # softmax over the sample's outputs
        nets = self.st.batched(f"{layer.name}.net")
        assert nets is not None
        flat_all = nets[b].ravel()
        count = flat_all.size
        k_pairs = []
        for k in range(min(count, MAX_TERMS)):
            kidx = tuple(int(v) for v in np.unravel_index(k, layer.out_shape))
            k_pairs.append((f"e^{self.sym('net', layer.name, b, kidx)}", f"e^{self.p(float(flat_all[k]))}"))
        sym, num = _terms(k_pairs, count)
        return self.make(ref, symbol, f"e^{zs} / ({sym})", f"e^{self.p(z)} / ({num})",
                         notes=("softmax: the outputs are positive and sum to 1",))

    def pool_out(self, ref: QuantityRef, i: int, layer: Pool, b: int, idx: tuple[int, ...],
                 symbol: str) -> Derivation:
        g = layer.geometry
        c = idx[0]
        p = g.flat_position(idx[1:])
        taps = g.table.index.shape[1]
        srcs = [(c, *g.input_position(p, k)) for k in range(taps)]  # type: ignore[misc]
        pairs = [(self.in_sym(i, b, s), self.n(self.in_val(i, b, s))) for s in srcs]
        syms = ", ".join(s for s, _ in pairs[:MAX_TERMS]) + (", …" if len(pairs) > MAX_TERMS else "")
        nums = ", ".join(n for _, n in pairs[:MAX_TERMS]) + (", …" if len(pairs) > MAX_TERMS else "")
        if layer.mode == "max":
            k = layer.source_offset(self.st.cache(layer.name), b, c, p)
            note = (f"the maximum is {self.in_sym(i, b, srcs[k])} (window offset {k}); "
                    "backward routes the gradient there")
            return self.make(ref, symbol, f"max({syms})", f"max({nums})", notes=(note,))
        return self.make(ref, symbol, f"({syms.replace(', ', ' + ')}) / {taps}",
                         f"({nums.replace(', ', ' + ')}) / {taps}")

    def loss(self, ref: QuantityRef) -> Derivation:
        last = self.network.layers[-1]
        loss = self.network.loss
        out = self.st.batched(f"{last.name}.out")
        y = self.st.batched("target")
        assert out is not None and y is not None
        bsz = out.shape[0]
        per_sample = []
        for b in range(bsz):
            a = out[b].ravel()
            t = y[b]
            pairs = []
            for k in range(min(a.size, MAX_TERMS)):
                kidx = tuple(int(v) for v in np.unravel_index(k, last.out_shape))
                asym = self.sym("out", last.name, b, kidx)
                ysym = self.sym("target", None, b, (k,))
                if loss.name == "cross_entropy":
                    pairs.append((f"{ysym}·ln {asym}", f"{self.p(t[k])}·ln {self.n(a[k])}"))
                else:
                    pairs.append((f"({ysym} − {asym})²", f"({self.n(t[k])} − {self.n(a[k])})²"))
            sym, num = _terms(pairs, a.size)
            if loss.name == "cross_entropy":
                per_sample.append((f"−({sym})", f"−({num})"))
            elif loss.name == "squared_error":
                per_sample.append((f"½·({sym})", f"½·({num})"))
            else:
                per_sample.append((f"({sym}) / {a.size}", f"({num}) / {a.size}"))
        if bsz == 1:
            formula, substituted = per_sample[0]
        else:
            sym, num = _terms(per_sample, bsz)
            formula, substituted = f"(1/{bsz})·({sym})", f"(1/{bsz})·({num})"
        notes = (f"{loss.name}: {loss.symbol} = {loss.formula}" + (", averaged over the batch" if bsz > 1 else ""),)
        if loss.name == "cross_entropy" and last.activation is not None and last.activation.is_softmax:
            notes += ("ln a_i is computed from the logits as z_i − ln Σ_k e^(z_k), so it stays finite",)
        return self.make(ref, loss.symbol, formula, substituted, notes, title=f"loss ({loss.name})")

    # --- backward ----------------------------------------------------------------------
    def grad_out(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("grad_out", layer.name, b, idx)
        formula, substituted, notes = self.grad_out_parts(i, layer, b, idx)
        return self.make(ref, symbol, formula, substituted, notes)

    def batch_factor(self) -> tuple[str, str]:
        return ("", "") if self.batch == 1 else (f"(1/{self.batch})·", f"(1/{self.batch})·")

    def grad_out_parts(self, i: int, layer: Layer, b: int, idx: tuple[int, ...]) -> tuple[str, str, tuple[str, ...]]:
        """(formula, substituted, notes) of ∂E/∂a at layer i, index idx of sample b."""
        layers = self.network.layers
        if i == len(layers) - 1:
            loss = self.network.loss
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            a = self.val(f"{layer.name}.out", b, idx)
            y = self.val("target", b, (k,))
            asym, ysym = self.sym("out", layer.name, b, idx), self.sym("target", None, b, (k,))
            fs, ns = self.batch_factor()
            if loss.name == "cross_entropy":
                return f"{fs}−{ysym} / {asym}", f"{ns}−{self.p(y)} / {self.p(a)}", ()
            if loss.name == "squared_error":
                return f"{fs}({asym} − {ysym})", f"{ns}({self.n(a)} − {self.n(y)})", ()
            n = layer.out_shape and int(np.prod(layer.out_shape))
            return f"{fs}2·({asym} − {ysym}) / {n}", f"{ns}2·({self.n(a)} − {self.n(y)}) / {n}", ()
        readers = self.network.readers_of(layer.name)
        if len(readers) == 1:
            return self.route(self.network.layer(readers[0][0]), b, idx, layer)
        return self.fan_in(i, layer, b, idx, readers)

    def fan_in(self, i: int, layer: Layer, b: int, idx: tuple[int, ...],
               readers: tuple[tuple[str, int], ...]) -> tuple[str, str, tuple[str, ...]]:
        """∂E/∂a of a layer that several layers read: the sum of the term each sends back,
        every term named by the layer it comes from, with its value (the engine's)."""
        terms = self.st.sent_terms(layer.name)
        syms, nums = [], []
        names = ", ".join(f"'{name}'" for name, _ in readers)
        notes = [f"{len(readers)} layers read the output of '{layer.name}' ({names}): the gradient "
                 "arrives along each path and the terms add up"]
        for (name, _), term in zip(readers, terms):
            sym, num, why = self.route(self.network.layer(name), b, idx, layer)
            syms.append(f"({sym})" if _compound(sym) else sym)
            nums.append(f"({num})" if _compound(num) or num.startswith("−") else num)
            notes.append(f"from '{name}': {sym} = {self.n(float(term[(b, *idx)]))} ({why[0]})" if why
                         else f"from '{name}': {sym} = {self.n(float(term[(b, *idx)]))}")
        return " + ".join(syms), " + ".join(nums), tuple(notes)

    def route(self, above: Layer, b: int, idx: tuple[int, ...],
              layer: Layer) -> tuple[str, str, tuple[str, ...]]:
        """(formula, substituted, notes) of what ``above`` sends back to ``layer``'s output."""
        up_key = f"{above.name}.{'delta' if above.has_net else 'grad_out'}"
        if isinstance(above, Add):
            return (self.sym("delta", above.name, b, idx), self.n(self.val(up_key, b, idx)),
                    (f"'{above.name}' adds its inputs, so it passes its δ back unchanged to each",))
        if isinstance(above, Dense):
            j = int(np.ravel_multi_index(idx, layer.out_shape))
            pairs = []
            for unit in range(min(above.units, MAX_TERMS)):
                d = self.val(up_key, b, (unit,))
                w = self.param(above.name, "weight", (unit, j))
                dsym = self.sym("delta", above.name, b, (unit,))
                pairs.append((f"{dsym}·{self.psym('weight', above.name, (unit, j))}",
                              f"{self.p(d)}·{self.p(w)}"))
            sym, num = _terms(pairs, above.units)
            return sym, num, (f"every neuron of '{above.name}' that reads this output passes back δ·w",)
        if isinstance(above, Flatten):
            j = int(np.ravel_multi_index(idx, layer.out_shape))
            return (self.sym("grad_out", above.name, b, (j,)), self.n(self.val(up_key, b, (j,))),
                    ("flatten passes the gradient back unchanged",))
        if isinstance(above, Pool):
            return self.pool_route(above, up_key, b, idx)
        assert isinstance(above, Conv)
        return self.conv_route(above, up_key, b, idx)

    def pool_route(self, pool: Pool, up_key: str, b: int, idx: tuple[int, ...]) -> tuple[str, str, tuple[str, ...]]:
        g = pool.geometry
        c = idx[0]
        flat = (idx[1] if g.dims == 2 else 0) * g.table.width + idx[-1]
        hits = np.argwhere(g.table.index == flat)  # (p, k) windows that contain this input
        choice = self.st.cache(pool.name)
        pairs, notes = [], []
        for p, k in hits:
            oidx = (c, *self._out_spatial(g, int(p)))
            gsym = self.sym("grad_out", pool.name, b, oidx)
            gval = self.val(up_key, b, oidx)
            if pool.mode == "avg":
                pairs.append((f"{gsym} / {len(g.table.index[0])}", f"{self.p(gval)} / {len(g.table.index[0])}"))
                continue
            chosen = int(choice[b, c, int(p)])
            if chosen == int(k):
                pairs.append((gsym, self.p(gval)))
                notes.append(f"this value is the maximum of window {self.sym('out', pool.name, b, oidx)}, "
                             "so it receives that window's gradient")
            else:
                notes.append(f"not the maximum of window {self.sym('out', pool.name, b, oidx)}: it receives 0")
        if not hits.size:
            notes.append("no pooling window covers this position (it is dropped): 0")
        if not pairs:
            return "0", "0", tuple(notes)
        sym, num = _terms(pairs)
        return sym, num, tuple(notes)

    def _out_spatial(self, g, p: int) -> tuple[int, ...]:
        return (p,) if g.dims == 1 else divmod(p, g.table.out_width)

    def conv_route(self, conv: Conv, up_key: str, b: int, idx: tuple[int, ...]) -> tuple[str, str, tuple[str, ...]]:
        g = conv.geometry
        c = idx[0]
        row = (idx[1] if g.dims == 2 else 0) + g.padding[0]
        col = idx[-1] + g.padding[1]
        flat = row * g.table.width + col
        hits = np.argwhere(g.table.index == flat)
        pairs = []
        total = len(hits) * conv.filters
        for p, k in hits:
            for f in range(conv.filters):
                if len(pairs) >= MAX_TERMS:
                    break
                oidx = (f, *self._out_spatial(g, int(p)))
                kidx = (int(k),) if g.dims == 1 else tuple(int(v) for v in divmod(int(k), g.kernel[1]))
                widx = (f, c, *kidx)
                pairs.append((f"{self.sym('delta', conv.name, b, oidx)}·{self.psym('weight', conv.name, widx)}",
                              f"{self.p(self.val(up_key, b, oidx))}·{self.p(self.param(conv.name, 'weight', widx))}"))
        sym, num = _terms(pairs, total)
        return sym, num, (f"every window of '{conv.name}' that reads this value passes back δ·w",)

    def delta(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        b, idx = self.split(ref)
        symbol = self.sym("delta", layer.name, b, idx)
        act = layer.activation
        assert act is not None
        last = i == len(self.network.layers) - 1
        a = self.val(f"{layer.name}.out", b, idx)
        asym = self.sym("out", layer.name, b, idx)
        if last and self.network.fused_output == "softmax":
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            y = self.val("target", b, (k,))
            ysym = self.sym("target", None, b, (k,))
            fs, ns = self.batch_factor()
            targets = self.st.batched("target")
            assert targets is not None
            total = float(targets[b].sum())
            if total == 1.0:
                formula, numbers = f"{asym} − {ysym}", f"{self.n(a)} − {self.n(y)}"
                note = "softmax + cross-entropy: ∂C/∂z_i = a_i − y_i (the targets sum to 1)"
            else:  # an edited target: the general result a_i·Σ_j y_j − y_i
                formula, numbers = f"{asym}·Σ_j y_j − {ysym}", f"{self.p(a)}·{self.p(total)} − {self.p(y)}"
                note = (f"softmax + cross-entropy: ∂C/∂z_i = a_i·Σ_j y_j − y_i; these targets sum to "
                        f"{self.n(total)}, not 1")
            return self.make(ref, symbol, f"{fs}({formula})" if fs else formula,
                             f"{ns}({numbers})" if ns else numbers,
                             notes=(f"{note}; the Jacobian derivation of this result is available",),
                             steps=softmax_cross_entropy_steps(self.n(a), self.n(y)))
        if last and self.network.fused_output == "sigmoid":
            k = int(np.ravel_multi_index(idx, layer.out_shape))
            y = self.val("target", b, (k,))
            ysym = self.sym("target", None, b, (k,))
            fs, ns = self.batch_factor()
            return self.make(ref, symbol, f"{fs}−{ysym}·(1 − {asym})", f"{ns}−{self.p(y)}·(1 − {self.p(a)})",
                             notes=("sigmoid + cross-entropy: δ = ∂C/∂a·σ′(z) = (−y/a)·a·(1 − a) = −y·(1 − a)",))
        g_formula, g_sub, notes = self.grad_out_parts(i, layer, b, idx)
        gsym = self.sym("grad_out", layer.name, b, idx)
        if act.is_softmax:
            fs = f"{asym}·({gsym} − Σ_j a_j·∂{self.E}/∂a_j)"
            g = self.val(f"{layer.name}.grad_out", b, idx)
            outs = self.st.batched(f"{layer.name}.out")
            grads = self.st.batched(f"{layer.name}.grad_out")
            assert outs is not None and grads is not None
            s = float((outs[b] * grads[b]).sum())
            return self.make(ref, symbol, fs, f"{self.p(a)}·({self.p(g)} − {self.p(s)})",
                             notes=("softmax couples its outputs: δ_i = Σ_j ∂E/∂a_j·∂a_j/∂z_i with the full "
                                    "Jacobian ∂a_j/∂z_i = a_j·([i = j] − a_i)",))
        z = self.val(f"{layer.name}.net", b, idx)
        dsym, dnum = self.derivative(act.name, asym, a, self.sym("net", layer.name, b, idx), z)
        gf = f"({g_formula})" if _compound(g_formula) else g_formula
        gn = f"({g_sub})" if _compound(g_sub) or g_sub.startswith("−") else g_sub
        if dsym == "1":
            return self.make(ref, symbol, f"{gf}·1", f"{gn}·1", notes + ("linear activation: f′ = 1",))
        return self.make(ref, symbol, f"{gf} · {dsym}", f"{gn} · {dnum}",
                         notes + (f"f′ of {act.name}: {act.derivative_formula}",))

    def derivative(self, act: str, asym: str, a: float, zsym: str, z: float) -> tuple[str, str]:
        if act == "sigmoid":
            return f"{asym}·(1 − {asym})", f"{self.p(a)}·(1 − {self.p(a)})"
        if act == "tanh":
            return f"(1 − {asym}²)", f"(1 − {self.p(a)}²)"
        if act == "relu":
            return f"[{zsym} > 0]", "1" if z > 0 else "0"
        return "1", "1"

    def grad_weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        assert ref.index is not None
        symbol = self.psym("grad_weight", layer.name, ref.index)
        pairs = []
        total = 0
        if isinstance(layer, Dense):
            unit, j = ref.index
            jidx = tuple(int(v) for v in np.unravel_index(j, layer.in_shape))
            for b in range(self.batch):
                total += 1
                if len(pairs) < MAX_TERMS:
                    pairs.append((f"{self.sym('delta', layer.name, b, (unit,))}·{self.in_sym(i, b, jidx)}",
                                  f"{self.p(self.val(f'{layer.name}.delta', b, (unit,)))}·"
                                  f"{self.p(self.in_val(i, b, jidx))}"))
            note = "∂E/∂w_ij = δ_i · (the input it multiplies)" + (", summed over the batch" if self.batch > 1 else "")
        else:
            assert isinstance(layer, Conv)
            g = layer.geometry
            f, c, *kidx = ref.index
            k = g.kernel_offset(tuple(kidx))
            for b in range(self.batch):
                for p in range(g.table.positions):
                    src = g.input_position(p, k)
                    if src is None:
                        continue
                    total += 1
                    if len(pairs) >= MAX_TERMS:
                        continue
                    oidx = (f, *self._out_spatial(g, p))
                    pairs.append((f"{self.sym('delta', layer.name, b, oidx)}·{self.in_sym(i, b, (c, *src))}",
                                  f"{self.p(self.val(f'{layer.name}.delta', b, oidx))}·"
                                  f"{self.p(self.in_val(i, b, (c, *src)))}"))
            note = "a shared kernel weight: the sum over every output position of δ × the input under this tap"
        sym, num = _terms(pairs, total)
        return self.make(ref, symbol, sym, num, notes=(note,))

    def grad_bias(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        assert ref.index is not None
        symbol = self.psym("grad_bias", layer.name, ref.index)
        unit = ref.index[0]
        pairs = []
        spatial = [()] if isinstance(layer, Dense) else [
            self._out_spatial(layer.geometry, p) for p in range(layer.geometry.table.positions)]  # type: ignore[attr-defined]
        for b in range(self.batch):
            for sp in spatial:
                if len(pairs) < MAX_TERMS:
                    oidx = (unit, *sp)
                    pairs.append((self.sym("delta", layer.name, b, oidx),
                                  self.p(self.val(f"{layer.name}.delta", b, oidx))))
        sym, num = _terms(pairs, self.batch * len(spatial))
        return self.make(ref, symbol, sym, num, notes=("∂E/∂b = δ (∂net/∂b = 1)",))

    def new_weight(self, ref: QuantityRef, i: int, layer: Layer) -> Derivation:
        assert ref.index is not None
        param = ref.kind[4:]
        symbol = self.psym(ref.kind, layer.name, ref.index)
        old_sym = self.psym(param, layer.name, ref.index)
        old = self.param(layer.name, param, ref.index)
        if param in layer.frozen:
            return self.make(ref, symbol, old_sym, self.n(old), notes=(f"{param} is frozen: never updated",))
        alpha = self.st.scenario.learning_rate
        grad = float(self.st.values_array(f"{layer.name}.grad_{param}")[ref.index])
        if isinstance(layer, Dense) and self.batch == 1:
            unit = ref.index[0]
            dsym = self.sym("delta", layer.name, 0, (unit,))
            d = self.val(f"{layer.name}.delta", 0, (unit,))
            if param == "weight":
                j = ref.index[1]
                jidx = tuple(int(v) for v in np.unravel_index(j, layer.in_shape))
                return self.make(ref, symbol, f"{old_sym} − α·{dsym}·{self.in_sym(i, 0, jidx)}",
                                 f"{self.n(old)} − {self.n(alpha)}·{self.p(d)}·{self.p(self.in_val(i, 0, jidx))}",
                                 notes=("SGD: w ← w − α·∂E/∂w, with ∂E/∂w = δ·(its input)",))
            return self.make(ref, symbol, f"{old_sym} − α·{dsym}",
                             f"{self.n(old)} − {self.n(alpha)}·{self.p(d)}",
                             notes=("SGD: b ← b − α·∂E/∂b, with ∂E/∂b = δ",))
        gsym = self.psym(f"grad_{param}", layer.name, ref.index)
        return self.make(ref, symbol, f"{old_sym} − α·{gsym}", f"{self.n(old)} − {self.n(alpha)}·{self.p(grad)}",
                         notes=(f"SGD: {param} ← {param} − α·∂E/∂{param}",))

    new_bias = new_weight


def _compound(expr: str) -> bool:
    """Does ``expr`` need parentheses inside a product?"""
    return any(op in expr for op in (" + ", " − ", " / ", "·"))


def softmax_cross_entropy_steps(a: str, y: str) -> tuple[str, ...]:
    """The notes' derivation of ∂C/∂z_i = a_i − y_i through the softmax Jacobian."""
    return (
        "a_i = e^(z_i) / Σ_k e^(z_k),   C = −Σ_j y_j·ln a_j",
        "∂C/∂z_i = Σ_j ∂C/∂a_j · ∂a_j/∂z_i,   with ∂C/∂a_j = −y_j / a_j",
        "i = j:  ∂a_i/∂z_i = (e^(z_i)·Σ_k e^(z_k) − e^(z_i)·e^(z_i)) / (Σ_k e^(z_k))² = a_i·(1 − a_i)",
        "i ≠ j:  ∂a_j/∂z_i = −e^(z_i)·e^(z_j) / (Σ_k e^(z_k))² = −a_i·a_j",
        "∂C/∂z_i = −y_i/a_i · a_i(1 − a_i) + Σ_{j≠i} (−y_j/a_j)·(−a_i·a_j)",
        "        = −y_i·(1 − a_i) + a_i·Σ_{j≠i} y_j = a_i·Σ_j y_j − y_i",
        f"        = a_i − y_i   (the targets sum to 1)   here: {a} − {y}",
    )
