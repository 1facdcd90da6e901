"""Chinese for the learn area's messages (see core/i18n/zh/__init__.py for the shared terms)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- checks ✓ ≈ ✗ (core/learner/checks.py) ---------------------------------------------
    "{exact} rounds to {rounded}": "{exact} 舍入为 {rounded}",
    "{said}; {written} is within {tolerance}, one unit of its last decimal":
        "{said}；{written} 与它相差不超过 {tolerance}，即末位小数的一个单位",
    "{said}, not {written}": "{said}，不是 {written}",
    "{right} of {n} right": "{n} 个中 {right} 个正确",
    ", {close} close (one unit of the last decimal off)": "，{close} 个接近（末位小数差一个单位）",
    # --- the slips (core/learner/diagnosis.py) ------------------------------------------------
    "within {tolerance} of {given}": "与 {given} 相差不超过 {tolerance}",
    "{alt} is what the backward pass gives through the already-updated weights: the backward pass must use the "
    "weights of the forward pass":
        "{alt} 是用已更新的权重做反向传播得到的值：反向传播必须使用正向传播时的权重",
    "{alt} is the exact value with its sign flipped: a minus sign was lost":
        "{alt} 是精确值变号后的结果：漏掉了一个负号",
    "{alt} is ∂E/∂a without the factor f′(z): the activation's derivative is missing":
        "{alt} 是没有乘因子 f′(z) 的 ∂E/∂a：漏掉了激活函数的导数",
    "{alt} routes a max-pool gradient to the wrong position or filter: it goes only to the maximum of its window":
        "{alt} 把最大池化的梯度传到了错误的位置或滤波器：梯度只传给窗口中的最大值",
    "{alt} is the value of the wrong neuron (transposed or neighbouring index): a weight paired with the wrong neuron":
        "{alt} 是错误神经元的值（下标转置或相邻）：权重与错误的神经元配对了",
    "{{alt}} is only the term from '{reader}': {n} layers read '{layer}', and the gradients along every path add up":
        "{{alt}} 只是来自 '{reader}' 的那一项：有 {n} 个层读取 '{layer}'，各条路径的梯度要相加",
    "{alt} leaves out dropout's scale 1/(1 − p): a kept value (and its gradient) is multiplied by 1/(1 − p), "
    "so the expected output stays the same":
        "{alt} 漏掉了 dropout 的缩放 1/(1 − p)：保留的值（及其梯度）要乘以 1/(1 − p)，使输出的期望不变",
    "{alt} uses the unbiased variance (÷(N − 1)): batch norm normalises with the biased one, Σ(x − μ)²/N":
        "{alt} 用了无偏方差（÷(N − 1)）：批归一化用有偏方差 Σ(x − μ)²/N 归一化",
    "{alt} feeds the running variance the biased variance: PyTorch updates it with the unbiased one, σ²·N/(N − 1)":
        "{alt} 用有偏方差更新了滑动方差：PyTorch 用无偏方差 σ²·N/(N − 1) 更新它",
    # --- quiz and gradient check ----------------------------------------------------------------
    "type it to {n} decimals, as precisely as the screen shows it (you typed {typed})":
        "请输入 {n} 位小数，与屏幕显示的精度相同（你输入了 {typed} 位）",
    "unknown quiz kind '{kind}' (expected one of: {kinds})": "未知的测验类型 '{kind}'（应为以下之一：{kinds}）",
    "the quiz is over": "测验已结束",
    "'{name}': a gradient check needs one weight or bias, like fc.weight[0,1]":
        "'{name}'：梯度检验需要一个权重或偏置，例如 fc.weight[0,1]",
}
