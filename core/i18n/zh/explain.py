"""Chinese for the explain area's messages (see core/i18n/zh/__init__.py for the shared terms)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- the quantities' names (core/engine/quantities.py) ---------------------------------
    "input value of the sample": "样本的输入值",
    "target value of the sample": "样本的目标值",
    "weight used by the forward pass": "正向传播所用的权重",
    "bias used by the forward pass": "正向传播所用的偏置",
    "pre-activation (net input) z": "激活前的值（净输入）z",
    "output (activation applied)": "输出（已施加激活函数）",
    "loss": "损失",
    "∂E/∂out, the loss's slope at this output": "∂E/∂out，损失在此输出处的斜率",
    "δ = ∂E/∂net (the notes' coef)": "δ = ∂E/∂net（讲义中的系数 coef）",
    "gradient of the loss with respect to this weight": "损失对此权重的梯度",
    "gradient of the loss with respect to this bias": "损失对此偏置的梯度",
    "weight after the {optimizer} update": "{optimizer} 更新后的权重",
    "bias after the {optimizer} update": "{optimizer} 更新后的偏置",
    "dropout mask (1 kept, 0 dropped)": "dropout 掩码（1 保留，0 丢弃）",
    "batch mean of the channel": "该通道的批均值",
    "batch variance of the channel (biased, ÷N)": "该通道的批方差（有偏，÷N）",
    "normalised input x̂ = (x − μ)/√(σ² + ε)": "归一化后的输入 x̂ = (x − μ)/√(σ² + ε)",
    "running mean after this iteration's forward": "本次迭代正向传播后的滑动均值",
    "{title} of the {param} before the update (the state it starts from)": "{param}更新前的{title}（更新由此开始）",
    "{title} of the {param} after the update": "{param}更新后的{title}",
    "running variance after this iteration's forward (unbiased, ÷(N−1))":
        "本次迭代正向传播后的滑动方差（无偏，÷(N−1)）",
    # --- derivations (core/explain) -----------------------------------------------------------
    "derivation:": "推导：",
    "Derivation:": "推导：",
    "({n} more terms)": "(还有 {n} 项)",
    "({n} more)": "(还有 {n} 个)",
    "{key} is not computed yet": "{key} 尚未计算",
    "{ref} is not computed yet (next step: {step})": "{ref} 尚未计算（下一步：{step}）",
    "{ref} has not started yet: the first update sets it from the gradient, as torch does":
        "{ref} 尚未开始：第一次更新由梯度设定它，与 torch 相同",
    "{ref} is not computed yet: what it reads follows from the forward pass":
        "{ref} 尚未计算：它读取哪些值取决于正向传播",
    "output": "输出",
    "{what} of {layer}": "{layer} 层的{what}",
    "weight": "权重",
    "bias": "偏置",
    "sample {k} of {n}, as given": "第 {k} 个样本（共 {n} 个），按给定值",
    "sample {k}, edited by you (it was {before})": "第 {k} 个样本，已由你修改（原为 {before}）",
    "one-hot target of class {label} (sample {k})": "类别 {label} 的 one-hot 目标（第 {k} 个样本）",
    "as given in the scenario": "场景中给定的值",
    "the value after iteration {it}'s update": "第 {it} 次迭代更新后的值",
    "zero": "零",
    "drawn at load ({how} initialisation, seed {seed}): the file leaves it out":
        "加载时随机生成（{how} 初始化，种子 {seed}）：文件中未给出",
    "edited by you (it was {before})": "已由你修改（原为 {before}）",
    "PyTorch's starting value {value} (the file leaves it out)": "PyTorch 的初始值 {value}（文件中未给出）",
    "; hand-rounding uses it rounded (exactly {exact})": "；手算舍入使用舍入后的值（精确值为 {exact}）",
    "{source}; frozen (never updated)": "{source}；已冻结（从不更新）",
    "iteration 1's, as given in the scenario": "第 1 次迭代的值，场景中给定",
    "drawn for iteration {it} from seed {seed} (the same seed and iteration draw the same)":
        "第 {it} 次迭代由种子 {seed} 随机生成（相同的种子和迭代生成相同的值）",
    "softmax: the outputs are positive and sum to 1": "softmax：各输出为正，且和为 1",
    ", averaged over the batch": "，对整批取平均",
    "loss ({name})": "损失（{name}）",
    "the output of '{layer}' is read along {n} paths ({names}): the gradient arrives along each and the terms add up":
        "'{layer}' 的输出沿 {n} 条路径被读取（{names}）：梯度沿每条路径传回，各项相加",
    "from '{reader}': {formula} = {value}{why}": "来自 '{reader}'：{formula} = {value}{why}",
    "softmax couples its outputs: δ_i = Σ_j ∂E/∂a_j·∂a_j/∂z_i with the full Jacobian ∂a_j/∂z_i = a_j·([i = j] − a_i)":
        "softmax 的各输出相互耦合：δ_i = Σ_j ∂E/∂a_j·∂a_j/∂z_i，用完整的雅可比矩阵 ∂a_j/∂z_i = a_j·([i = j] − a_i)",
    "linear activation: f′ = 1": "线性激活：f′ = 1",
    "f′ of {name}: {note}": "{name} 的 f′：{note}",
    "{param} is frozen: never updated": "{param}已冻结：从不更新",
    "{param} after the {optimizer} update of {layer}": "{layer} 层 {optimizer} 更新后的{param}",
    "{state} of {param} after the update, of {layer}": "{layer} 层{param}更新后的{state}",
    "{state} of {param} before update {update}, of {layer}": "{layer} 层{param}在第 {update} 次更新前的{state}",
    "not given: it starts at 0, as in torch": "未给出：从 0 开始，与 torch 相同",
    "left by update {update} (the previous iteration's)": "第 {update} 次更新留下的值（上一次迭代的）",
    ", with ∂E/∂{word} = δ·(its input)": "，其中 ∂E/∂{word} = δ·（其输入）",
    ", with ∂E/∂{word} = δ": "，其中 ∂E/∂{word} = δ",
    # --- activations and losses (core/nn) -------------------------------------------------
    "gelu: a = z·Φ(z), where Φ(z) is the chance that a standard normal draw is below z (the normal CDF)":
        "gelu：a = z·Φ(z)，其中 Φ(z) 是标准正态随机数小于 z 的概率（正态分布的 CDF）",
    "linear activation: a = z": "线性激活：a = z",
    "Φ(z) + z·φ(z), with Φ(z) = 0.5·(1 + erf(z/√2)) and φ(z) = e^(−z²/2)/√(2π)":
        "Φ(z) + z·φ(z)，其中 Φ(z) = 0.5·(1 + erf(z/√2))，φ(z) = e^(−z²/2)/√(2π)",
    "(the targets sum to 1)   here: {a} − {y}": "（目标之和为 1）   此处：{a} − {y}",
    "with {formula}": "其中 {formula}",
    "softmax + cross-entropy: ∂C/∂z_i = a_i − y_i (the targets sum to 1)":
        "softmax + 交叉熵：∂C/∂z_i = a_i − y_i（目标之和为 1）",
    "softmax + cross-entropy: ∂C/∂z_i = a_i·Σ_j y_j − y_i; these targets sum to {total}, not 1":
        "softmax + 交叉熵：∂C/∂z_i = a_i·Σ_j y_j − y_i；这些目标之和为 {total}，不是 1",
    "{note}; the Jacobian derivation of this result is available": "{note}；可查看此结果的雅可比推导",
    "ln a_i is computed from the logits as z_i − ln Σ_k e^(z_k), so it stays finite":
        "ln a_i 由 logits 按 z_i − ln Σ_k e^(z_k) 计算，因此保持有限",
    "sigmoid + cross-entropy: δ = ∂C/∂a·σ′(z) = (−y/a)·a·(1 − a) = −y·(1 − a)":
        "sigmoid + 交叉熵：δ = ∂C/∂a·σ′(z) = (−y/a)·a·(1 − a) = −y·(1 − a)",
    "sigmoid + binary cross-entropy: δ = ∂E/∂a·σ′(z) = (a − y)/(a·(1 − a))·a·(1 − a) = a − y":
        "sigmoid + 二元交叉熵：δ = ∂E/∂a·σ′(z) = (a − y)/(a·(1 − a))·a·(1 − a) = a − y",
    "each term is computed from the logit as (1 − y_i)·z_i + ln(1 + e^(−z_i)), so it stays finite":
        "每一项由 logit 按 (1 − y_i)·z_i + ln(1 + e^(−z_i)) 计算，因此保持有限",
    "some a_i is 0 in float64, where ln a_i has no value: the loss is written from the logits, as it "
    "was computed: C = Σ_j y_j·ln Σ_k e^(z_k − m) − Σ_i y_i·(z_i − m), m the largest logit "
    "(each e^(z_k − m) ≤ 1)":
        "某个 a_i 在 float64 中为 0，ln a_i 没有值：损失按计算方式由 logits 写出："
        "C = Σ_j y_j·ln Σ_k e^(z_k − m) − Σ_i y_i·(z_i − m)，m 为最大的 logit（每个 e^(z_k − m) ≤ 1）",
    "some a_i is exactly 0 or 1 in float64: the loss is written from the logits, −ln σ(z) = ln(1 + e^(−z)) "
    "= max(0, −z) + ln(1 + e^(−|z|)), as it was computed (ln(1 + x) written x below 1e−8, where "
    "the two agree to 8 digits)":
        "某个 a_i 在 float64 中恰为 0 或 1：损失改由 logits 写出，−ln σ(z) = ln(1 + e^(−z)) "
        "= max(0, −z) + ln(1 + e^(−|z|))，与计算方式一致（x 小于 1e−8 时 ln(1 + x) 写作 x，两者前 8 位相同）",
    "some a_i is exactly 0 or 1 in float64: the loss is written from the logits, each term "
    "(1 − y_i)·z_i + (max(0, −z_i) + ln(1 + e^(−|z_i|))), as it was computed (ln(1 + x) written x "
    "below 1e−8, where the two agree to 8 digits)":
        "某个 a_i 在 float64 中恰为 0 或 1：损失改由 logits 写出，每一项为 "
        "(1 − y_i)·z_i + (max(0, −z_i) + ln(1 + e^(−|z_i|)))，与计算方式一致（x 小于 1e−8 时 ln(1 + x) 写作 x，两者前 8 位相同）",
    "ln 0 has no value: where a number under ln is 0 (below 2.2e−308), the loss takes ln of "
    "the tiniest float64 instead, ln 2.2250738585072014e−308 = −708.3964185322641, so it stays finite":
        "ln 0 没有值：ln 下的数为 0（小于 2.2e−308）时，损失改取 float64 最小正规数的 ln，"
        "ln 2.2250738585072014e−308 = −708.3964185322641，因此保持有限",
    # --- layers (core/nn/layers) ------------------------------------------------------------
    "its number of neurons": "神经元个数",
    "its window": "窗口大小",
    "every neuron of '{layer}' that reads this output passes back δ·w": "'{layer}' 中读取此输出的每个神经元都传回 δ·w",
    "∂E/∂w_ij = δ_i · (the input it multiplies)": "∂E/∂w_ij = δ_i ·（它所乘的输入）",
    ", summed over the batch": "，对整批求和",
    "{n} kernel taps fall on zero padding and add nothing": "{n} 个卷积核位置落在零填充上，不起作用",
    "cross-correlation: window at output position {position}, stride {stride}":
        "互相关：输出位置 {position} 处的窗口，步长 {stride}",
    "every window of '{layer}' that reads this value passes back δ·w": "'{layer}' 中读取此值的每个窗口都传回 δ·w",
    "a shared kernel weight: the sum over every output position of δ × the input under this tap":
        "共享的卷积核权重：对所有输出位置求 δ × 该核位置下的输入之和",
    "window offset {k}": "窗口偏移 {k}",
    "row {row}, column {column} of its window": "其窗口的第 {row} 行、第 {column} 列",
    "the maximum is {{0}} ({at}); backward routes the gradient there": "最大值是 {{0}}（{at}）；反向传播把梯度传到那里",
    "this value is the maximum of window {{0}}, so it receives that window's gradient":
        "此值是窗口 {{0}} 的最大值，所以得到该窗口的梯度",
    "not the maximum of window {{0}}: it receives 0": "不是窗口 {{0}} 的最大值：得到 0",
    "no pooling window covers this position (it is dropped): 0": "没有池化窗口覆盖此位置（它被舍弃）：0",
    "the mean of channel {c} over all {n} positions": "通道 {c} 在全部 {n} 个位置上的均值",
    "every position of channel {c} adds 1/{n} of itself to {{0}}, so it gets 1/{n} of that gradient":
        "通道 {c} 的每个位置以自身的 1/{n} 计入 {{0}}，所以得到该梯度的 1/{n}",
    "flatten keeps the value; C order (channel-major)": "flatten 保持值不变；按 C 顺序（通道优先）",
    "flatten passes the gradient back unchanged": "flatten 把梯度原样传回",
    "add: the inputs summed element by element (a residual connection)": "add：各输入逐元素相加（残差连接）",
    "'{layer}' adds its inputs, so it passes its δ back unchanged to each":
        "'{layer}' 把各输入相加，所以把它的 δ 原样传回给每个输入",
    "dropout with p = {p}: a kept value (mask 1) is scaled by 1/(1 − p) = {scale}, a dropped one (mask 0) is 0":
        "dropout，p = {p}：保留的值（掩码 1）乘以 1/(1 − p) = {scale}，丢弃的值（掩码 0）为 0",
    "'{layer}' passes the gradient back through the values it "
    "kept, scaled by 1/(1 − p) = {scale} as in the forward pass":
        "'{layer}' 只经保留的值传回梯度，并与正向传播一样乘以 1/(1 − p) = {scale}",
    "batch norm: net = γ·x̂ + β, with x̂ the input normalised by the batch's statistics of its channel":
        "批归一化：net = γ·x̂ + β，其中 x̂ 是用该通道的批统计量归一化后的输入",
    "∂E/∂β = Σ δ over the channel's values in the batch (∂net/∂β = 1)":
        "∂E/∂β = Σ δ，对批中该通道的所有值求和（∂net/∂β = 1）",
    "∂E/∂γ = Σ δ·x̂ over the channel's values in the batch (∂net/∂γ = x̂)":
        "∂E/∂γ = Σ δ·x̂，对批中该通道的所有值求和（∂net/∂γ = x̂）",
    "{n} samples": "{n} 个样本",
    "over the N = {n} values of channel {c} in the batch ({samples} × {positions} positions)":
        "取自批中通道 {c} 的 N = {n} 个值（{samples} × {positions} 个位置）",
    "over the N = {n} values of channel {c} in the batch ({samples})": "取自批中通道 {c} 的 N = {n} 个值（{samples}）",
    "the batch mean, {where}": "批均值，{where}",
    "the biased variance (÷N, as batch norm normalises with), {where}": "有偏方差（÷N，批归一化用它归一化），{where}",
    "ε = {eps} keeps the division finite": "ε = {eps} 使除法保持有限",
    "momentum m = {m}: the running mean moves a step m toward this batch's mean":
        "动量 m = {m}：滑动均值向本批的均值移动一步 m",
    "momentum m = {m}; the running variance takes the unbiased variance σ²·N/(N − 1) (N = {n}), as PyTorch does, "
    "though x̂ used the biased one":
        "动量 m = {m}；滑动方差取无偏方差 σ²·N/(N − 1)（N = {n}），与 PyTorch 相同，尽管 x̂ 用的是有偏方差",
    "'{layer}' normalises with its batch's statistics, so every value of channel {c} (N = {n}) reaches this one: "
    "{formula}, with {part} and σ = √(σ² + ε)":
        "'{layer}' 用批统计量归一化，所以通道 {c} 的每个值（N = {n}）都影响此值：{formula}，其中 {part}，σ = √(σ² + ε)",
    # --- the layers' refusals ----------------------------------------------------------------
    "an {kind} layer adds inputs of one shape, but '{first}' gives {shape} and '{name}' gives {other}":
        "{kind} 层要求各输入形状相同，但 '{first}' 给出 {shape}，'{name}' 给出 {other}",
    "a variance cannot be negative": "方差不能为负",
    "a dropout mask holds 1 (kept) or 0 (dropped) only": "dropout 掩码只能是 1（保留）或 0（丢弃）",
    "each feature": "每个特征",
    "each channel": "每个通道",
    "batch norm in training mode needs more than one value per channel, but with batch_size 1 on a {shape} input "
    "{what} has one (its variance would be 0): set batch_size to 2 or more":
        "训练模式的批归一化要求每个通道有多于一个值，但 batch_size 为 1 时，{shape} 输入的{what}只有一个值"
        "（方差将为 0）：请把 batch_size 设为 2 或更大",
    "batchnorm1d normalises a [features] or [channels, length] input, but {previous} gives {shape}: "
    "use batchnorm2d for [channels, height, width]":
        "batchnorm1d 归一化 [features] 或 [channels, length] 的输入，但 {previous} 给出 {shape}："
        "[channels, height, width] 请用 batchnorm2d",
    "batchnorm2d normalises a [channels, height, width] input, but {previous} gives {shape}: "
    "use batchnorm1d for [features] or [channels, length]":
        "batchnorm2d 归一化 [channels, height, width] 的输入，但 {previous} 给出 {shape}："
        "[features] 或 [channels, length] 请用 batchnorm1d",
    "a {kind} layer needs a {want} input, but {previous} gives {shape}":
        "{kind} 层需要 {want} 的输入，但 {previous} 给出 {shape}",
    "height": "高度",
    "width": "宽度",
    "length": "长度",
    "{key} {size} does not fit the input {what} {room}{pad} (input {shape} from {previous})":
        "{key} {size} 超出了输入的{what} {room}{pad}（输入 {shape} 来自 {previous}）",
    "a globalavgpool layer needs a [channels, length] or [channels, height, width] input, but {previous} gives {shape}":
        "globalavgpool 层需要 [channels, length] 或 [channels, height, width] 的输入，但 {previous} 给出 {shape}",
    # --- optimizers (core/nn/optim) ------------------------------------------------------------
    "expected a mapping such as {{type: sgd}}": "应为映射，例如 {{type: sgd}}",
    "the {kind} optimizer is not supported yet (this cnn-tui has: {names})":
        "尚不支持 {kind} 优化器（此 cnn-tui 支持：{names}）",
    "unknown optimizer {kind} (expected one of: {names})": "未知的优化器 {kind}（应为以下之一：{names}）",
    "{kind} does not take '{key}' (it takes: {takes})": "{kind} 不接受 '{key}'（可用：{takes}）",
    "expected a whole number ≥ 0 of updates already taken, got {value}":
        "应为已完成的更新次数（≥ 0 的整数），实际为 {value}",
    "expected a list of {size} numbers ({meaning}), got {value}": "应为 {size} 个数的列表（{meaning}），实际为 {value}",
    "{meaning}, entry {k}": "{meaning}，第 {k} 项",
    "expected true or false ({meaning}), got {value}": "应为 true 或 false（{meaning}），实际为 {value}",
    "expected a number ({meaning}), got {value}": "应为一个数（{meaning}），实际为 {value}",
    "in {interval}": "在 {interval} 内",
    "{meaning} must be {bounds}, got {value:g}": "{meaning}必须{bounds}，实际为 {value:g}",
    "momentum factor μ": "动量系数 μ",
    "dampening τ of the momentum": "动量的阻尼 τ",
    "Nesterov momentum": "Nesterov 动量",
    "L2 weight decay λ": "L2 权重衰减 λ",
    "decoupled weight decay λ": "解耦的权重衰减 λ",
    "the averages' factors β₁, β₂": "两个平均的系数 β₁、β₂",
    "ε added to √v̂": "加到 √v̂ 上的 ε",
    "ε added to √v": "加到 √v 上的 ε",
    "smoothing constant ρ of the squared gradients": "梯度平方的平滑常数 ρ",
    "momentum buffer": "动量缓冲",
    "first moment m (running mean of the gradients)": "一阶矩 m（梯度的滑动平均）",
    "second moment v (running mean of the squared gradients)": "二阶矩 v（梯度平方的滑动平均）",
    "running mean v of the squared gradients": "梯度平方的滑动平均 v",
    "Nesterov momentum needs momentum > 0 and dampening 0": "Nesterov 动量要求 momentum > 0 且 dampening 为 0",
    "; weight decay adds λ·{word} to the gradient": "；权重衰减把 λ·{word} 加到梯度上",
    "the momentum buffer starts as the first gradient, as in torch": "动量缓冲以第一个梯度为初值，与 torch 相同",
    "momentum: the buffer keeps a running sum of past gradients": "动量：缓冲累积过去梯度的加权和",
    "SGD with Nesterov momentum: {rule}": "带 Nesterov 动量的 SGD：{rule}",
    "SGD with momentum: {rule}": "带动量的 SGD：{rule}",
    "the gradient": "梯度",
    "weight decay (L2): λ·{word} joins the gradient before the averages, as in torch's Adam":
        "权重衰减（L2）：λ·{word} 在求平均之前加入梯度，与 torch 的 Adam 相同",
    "; {start} starts at 0, as in torch": "；{start} 从 0 开始，与 torch 相同",
    "first moment: a running mean of g": "一阶矩：g 的滑动平均",
    "second moment: a running mean of g²": "二阶矩：g² 的滑动平均",
    "bias correction of update t = {t}: m started at 0, so early means are too small; dividing by 1 − β₁ᵗ undoes that":
        "第 t = {t} 次更新的偏差校正：m 从 0 开始，早期的均值偏小；除以 1 − β₁ᵗ 加以抵消",
    "bias correction of update t = {t}, the same for v with β₂": "第 t = {t} 次更新的偏差校正，v 同理，用 β₂",
    "AdamW: {rule}: the weight decay is decoupled, it shrinks w beside the step instead of joining the gradient":
        "AdamW：{rule}：权重衰减被解耦，在步长之外缩小 w，而不是加入梯度",
    "; torch writes it α/(1 − β₁ᵗ)·m / (√v/√(1 − β₂ᵗ) + ε), the same number":
        "；torch 写作 α/(1 − β₁ᵗ)·m / (√v/√(1 − β₂ᵗ) + ε)，数值相同",
    "weight decay (L2): λ·{word} joins the gradient first, as in torch":
        "权重衰减（L2）：先把 λ·{word} 加入梯度，与 torch 相同",
    "a running mean of g² (ρ is the file's alpha)": "g² 的滑动平均（ρ 即文件中的 alpha）",
    "; v starts at 0, as in torch": "；v 从 0 开始，与 torch 相同",
    "momentum: the buffer sums the scaled steps": "动量：缓冲累加缩放后的步长",
    "; it starts at 0, as in torch": "；它从 0 开始，与 torch 相同",
    "RMSprop with momentum: {rule}": "带动量的 RMSprop：{rule}",
    # --- the optimizers' slips (said by the learner's diagnosis) ---------------------------------
    "{alt} subtracts the gradient in the buffer: torch's buffer adds it, v = μ·v + g, and the update subtracts α·v":
        "{alt} 在缓冲中减去了梯度：torch 的缓冲是加上它，v = μ·v + g，再由更新减去 α·v",
    "{alt} is w + α·∂E/∂w: the update must subtract the gradient": "{alt} 是 w + α·∂E/∂w：更新必须减去梯度",
    "{alt} adds the step α·d instead of subtracting it: the update goes against the gradient":
        "{alt} 加上了步长 α·d 而不是减去它：更新的方向反了",
    "{alt} is CS231n's velocity v = μ·v − α·g: torch's buffer is v = μ·v + g (no α, the gradient added), "
    "and the update is w − α·v":
        "{alt} 是 CS231n 的速度 v = μ·v − α·g：torch 的缓冲是 v = μ·v + g（没有 α，梯度是加上的），更新为 w − α·v",
    "{alt} is CS231n's w + (μ·v − α·g) with torch's buffer v: torch's buffer holds μ·v + g, and the update is w − α·v":
        "{alt} 是用 torch 的缓冲 v 算的 CS231n 式 w + (μ·v − α·g)：torch 的缓冲存的是 μ·v + g，更新为 w − α·v",
    "{{alt}} is the update with a learning rate of {rate} instead of α = {alpha}":
        "{{alt}} 是用学习率 {rate} 而非 α = {alpha} 算出的更新",
    "{alt} adds the step α·m̂/(√v̂ + ε) instead of subtracting it: the update goes up the gradient":
        "{alt} 加上了步长 α·m̂/(√v̂ + ε) 而不是减去它：更新沿梯度上升了",
    "{{alt}} is w − α·m / (√v + ε), without the bias correction: at update t = {t}, m̂ = m / (1 − β₁ᵗ) and "
    "v̂ = v / (1 − β₂ᵗ)":
        "{{alt}} 是 w − α·m / (√v + ε)，缺少偏差校正：第 t = {t} 次更新时 m̂ = m / (1 − β₁ᵗ)，v̂ = v / (1 − β₂ᵗ)",
    "{{alt}} swaps β₁ and β₂: m averages the gradients with β₁ = {beta1:g}, v their squares with β₂ = {beta2:g}":
        "{{alt}} 把 β₁ 和 β₂ 弄反了：m 用 β₁ = {beta1:g} 平均梯度，v 用 β₂ = {beta2:g} 平均梯度的平方",
    "{alt} adds λ·w to the gradient (L2, as Adam does): AdamW decouples the decay, w·(1 − α·λ) beside the step, "
    "and m, v see the plain gradient":
        "{alt} 把 λ·w 加到了梯度上（L2，Adam 的做法）：AdamW 把衰减解耦，在步长之外乘 w·(1 − α·λ)，m、v 用原始梯度",
    "{alt} is the average of the plain gradient: Adam's weight decay adds λ·w to g before m and v":
        "{alt} 是原始梯度的平均：Adam 的权重衰减在计算 m 和 v 之前把 λ·w 加到 g 上",
    "{alt} takes α·λ·w off after the update (decoupled, as AdamW does): Adam adds λ·w to the gradient before m and v":
        "{alt} 在更新后减去 α·λ·w（解耦，AdamW 的做法）：Adam 在计算 m 和 v 之前把 λ·w 加到梯度上",
    "{alt} adds the step instead of subtracting it: the update goes up the gradient":
        "{alt} 加上了步长而不是减去它：更新沿梯度上升了",
    "{alt} subtracts g / (√v + ε) from the buffer: it adds it, and the update subtracts α·buf":
        "{alt} 从缓冲中减去了 g / (√v + ε)：应当加上它，再由更新减去 α·buf",
    "{alt} divides by v + ε: RMSprop divides by the root √v + ε": "{alt} 除以了 v + ε：RMSprop 除以的是平方根 √v + ε",
    "{alt} puts ε under the root, √(v + ε): torch adds it after, √v + ε":
        "{alt} 把 ε 放进了根号，√(v + ε)：torch 在开方之后才加，√v + ε",
    "{alt} takes α·λ·w off after the update (decoupled): RMSprop adds λ·w to the gradient first":
        "{alt} 在更新后减去 α·λ·w（解耦）：RMSprop 先把 λ·w 加到梯度上",
    "{alt} is computed from the plain gradient: RMSprop's weight decay adds λ·w to g first":
        "{alt} 是由原始梯度算出的：RMSprop 的权重衰减先把 λ·w 加到 g 上",
}
