"""Chinese for the screens area's messages (see core/i18n/zh/__init__.py for the shared terms).

The dialogs (open, save, export, train, quiz, confirm, restore, samples, message log), the
network editor, the panels' words (derivation, training chart, heatmaps, quiz bar, story),
the grade browser and the one-line wording of failures. Key names (enter, escape, tab),
quantity names and formats stay as they are.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- shared words of the dialogs ---------------------------------------------------------
    "cancel": "取消",
    "close": "关闭",
    "yes": "是",
    "no": "否",
    "Yes (y)": "是 (y)",
    "No (n)": "否 (n)",
    "(exact {exact})": "（精确值 {exact}）",
    "likely slip: ": "可能的失误：",

    # --- open ---------------------------------------------------------------------------------
    "Open a scenario: type a path (→ accepts the completion shown) or pick a file below":
        "打开场景：输入路径（→ 接受显示的补全），或在下方选择文件",
    "bundled: {names}": "内置：{names}",
    "path/to/scenario.yaml or tiny-cnn": "path/to/scenario.yaml 或 tiny-cnn",
    "type a path or a bundled name": "请输入路径或内置场景名",
    "opening {path}…": "正在打开 {path}…",
    "not opened: {reason}": "未打开：{reason}",

    # --- save -----------------------------------------------------------------------------------
    "Save the scenario (current weights and samples) as:": "将场景（当前的权重和样本）另存为：",
    "enter saves · escape cancels": "enter 保存 · escape 取消",

    # --- export ---------------------------------------------------------------------------------
    "Export this iteration: a format (↑↓), then the file": "导出本次迭代：先选格式（↑↓），再填文件",
    "PyTorch script (.py)": "PyTorch 脚本 (.py)",
    "PyTorch script": "PyTorch 脚本",
    "every formula with its numbers, the checks": "每个公式及其数值，以及各项校验",
    "the same, as a document for pdflatex": "内容同上，排成供 pdflatex 编译的文档",
    "the iteration run by autograd; prints every value as JSON, as solve does":
        "由 autograd 运行本次迭代；像 solve 一样以 JSON 输出每个值",
    "enter writes · tab: format ↔ file · escape cancels": "enter 写入 · tab：格式 ↔ 文件 · escape 取消",

    # --- message log ----------------------------------------------------------------------------
    "Messages of this session, newest last · ↑↓ page up/down scroll · escape or {key} closes":
        "本次会话的消息，最新的在最后 · ↑↓ page up/down 滚动 · escape 或 {key} 关闭",
    "({n:,} older messages are no longer kept)": "（更早的 {n:,} 条消息已不再保留）",
    "no messages yet": "还没有消息",

    # --- train ----------------------------------------------------------------------------------
    "Train from here, in the background (escape stops it; {undo} afterwards undoes it all).":
        "从这里开始在后台训练（escape 停止；之后按 {undo} 全部撤销）。",
    "An epoch is {n:,} iterations (every training sample once).": "一轮是 {n:,} 次迭代（每个训练样本各用一次）。",
    "An epoch is {n:,} iterations (every training sample once); accuracy is measured on {test:,} held-out "
    "samples after each epoch.":
        "一轮是 {n:,} 次迭代（每个训练样本各用一次）；每轮结束后在 {test:,} 个留出样本上测准确率。",
    "epochs": "轮",
    "iterations": "迭代",
    "How many?": "多少？",
    "enter trains · tab reaches the epochs/iterations choice · escape cancels":
        "enter 开始训练 · tab 切换到「轮/迭代」选项 · escape 取消",
    "choose between 1 and {n:,} epochs": "请选择 1 到 {n:,} 轮",
    "choose between 1 and {n:,} iterations": "请选择 1 到 {n:,} 次迭代",
    "not trained: {reason}": "未训练：{reason}",

    # --- quiz -----------------------------------------------------------------------------------
    "Quiz: the next values are hidden and you compute them. What should it ask?":
        "测验：接下来的值会被隐藏，由你来计算。要问哪些？",
    "It starts from where you are ({where}) and runs to the end of this iteration.":
        "从当前位置（{where}）问到本次迭代结束。",
    "the whole iteration: every value, in order": "整个迭代：按顺序问每个值",
    "only {what}": "只问{what}",
    "only layer {layer}": "只问层 {layer}",
    "enter starts · space picks a kind and a layer to combine (e.g. only deltas of fc) · escape cancels":
        "enter 开始 · space 勾选一类值和一层组合 · escape 取消",
    "pick a kind or a layer": "选定一类值或一层",
    "every value": "所有值",
    "forward values": "正向传播的值",
    "deltas (∂out and δ)": "误差项（∂out 与 δ）",
    "weight and bias gradients": "权重与偏置的梯度",
    "updated weights and biases": "更新后的权重与偏置",
    "{what} of this iteration": "本次迭代的{what}",
    "{right}/{asked} right": "答对 {right}/{asked}",
    "leave quiz": "退出测验",
    "reveal": "揭晓",
    "leave the quiz (the values stay computed)": "退出测验（已算出的值保留）",
    "show this value without scoring it": "显示这个值，不计分",
    "your value": "你的值",
    "enter checks · ctrl+r reveals · escape leaves": "enter 检查 · ctrl+r 揭晓 · escape 退出",
    "quiz over: {score}": "测验结束：{score}",
    "compute it from the values shown and type it below; the numbers of the formula appear after you answer":
        "用显示的值算出它，在下方输入；作答后会显示代入数值的公式",
    "✓ {name} = {typed} is right": "✓ {name} = {typed} 正确",
    "✗ {name}: you typed {typed}, the value is {exact}": "✗ {name}：你输入的是 {typed}，正确值是 {exact}",

    # --- samples --------------------------------------------------------------------------------
    "Which samples does this iteration use? Pick the sample (enter; escape: keep them).":
        "本次迭代用哪个样本？选择样本（enter；escape：保持不变）。",
    "Which samples does this iteration use? Pick the first of the batch of {n} (enter; escape: keep them).":
        "本次迭代用哪些样本？选择这批 {n} 个样本中的第一个（enter；escape：保持不变）。",
    "label {n}": "标签 {n}",
    "sample {n} · {label}": "样本 {n} · {label}",
    "(channel 1 of {n})": "（第 1 个通道，共 {n} 个）",

    # --- the network editor ---------------------------------------------------------------------
    "name": "名称",
    "input shape": "输入形状",
    "samples": "样本",
    "loss": "损失",
    "learning rate α": "学习率 α",
    "optimizer": "优化器",
    "batch size": "批大小",
    "seed": "随机种子",
    "init": "初始化",
    "reads": "读取",
    "makes": "产生",
    "parameters": "参数",
    "as in the file": "文件中的写法",
    "enter on a row edits it here": "在某行上按 enter，就在这里编辑",
    "network editor: {edit} edits the selected row as the file writes it; {add} adds a layer, "
    "{open} opens it for stepping":
        "网络编辑器：{edit} 按文件的写法编辑所选行；{add} 添加一层，{open} 打开它逐步演算",
    "network editor — {name}": "网络编辑器 — {name}",
    "layer {n}": "第 {n} 层",
    "{n} layers": "{n} 层",
    "output {shape}": "输出 {shape}",
    "{n:,} parameters": "{n:,} 个参数",
    "{n} samples": "{n} 个样本",
    "{row}: checked as a file is": "{row}：已像文件一样检查过",
    "{row}: checked as a file is; {notes}": "{row}：已像文件一样检查过；{notes}",
    "edit the line as the file writes it; enter applies it, escape leaves it as it was":
        "按文件的写法编辑这一行；enter 应用，escape 保持原样",
    "left as it was": "保持原样",
    "added a dense layer as layer {n}: {edit} changes its type and fields, {up}/{down} move it":
        "已添加一个 dense 层作为第 {n} 层：{edit} 修改它的类型和字段，{up}/{down} 移动它",
    "select a layer to remove (the settings stay)": "请选择要删除的层（设置不能删除）",
    "select a layer to move": "请选择要移动的层",
    "nothing to undo in the editor": "编辑器里没有可撤销的修改",
    "undid the last change": "已撤销上一次修改",
    "kept the design ({key} opens it for stepping)": "已保留设计（{key} 打开它逐步演算）",
    "Leave the editor and lose the changes to the design?": "离开编辑器，放弃对设计的修改？",
    "{key} opens it for stepping instead ({save} there saves it)":
        "也可以按 {key} 打开它逐步演算（在那里按 {save} 保存）",

    # --- crash recovery ---------------------------------------------------------------------------
    "restore": "恢复",
    "discard": "丢弃",
    "Restore (r)": "恢复 (r)",
    "Discard (d)": "丢弃 (d)",
    "Restore the unsaved session from {when}? ({n} changes)": "恢复 {when} 未保存的会话吗？（{n} 处修改）",
    "{name} was left without saving (a crash, a closed terminal or a lost connection). "
    "Restore replays it exactly; discard starts from the file.":
        "{name} 没有保存就中断了（崩溃、终端关闭或连接断开）。恢复会原样重放；丢弃则从文件重新开始。",
    "{reason}: unsaved work will not be recoverable after a crash; the session goes on":
        "{reason}：崩溃后将无法恢复未保存的工作；会话继续",
    "there is no folder for recovery journals (no home folder): set XDG_STATE_HOME":
        "没有存放恢复日志的文件夹（没有主目录）：请设置 XDG_STATE_HOME",
    "a recovery journal from {when} is for an earlier version of this file: not restored (kept as {name} in {folder})":
        "{when} 的恢复日志属于此文件的较早版本：未恢复（已保存为 {folder} 中的 {name}）",
    " ({n} older ones kept in {folder})": "（{n} 个更早的会话保留在 {folder}）",
    "discarded the unsaved session from {when}{also}": "已丢弃 {when} 未保存的会话{also}",
    " — stopped early at {at}": " — 在 {at} 处提前停止",
    "restored the session from {when}: {n} changes{said}{note} · next: {next}":
        "已恢复 {when} 的会话：{n} 处修改{said}{note} · 下一步：{next}",
    " (the quiz could not be resumed)": "（测验无法继续）",
    ", quiz resumed at {score}": "，测验从 {score} 继续",

    # --- failures in one line -----------------------------------------------------------------------
    "the file system refused": "文件系统拒绝了",
    "not enough memory for this": "内存不足，无法完成",
    "the data is nested too deeply": "数据嵌套太深",
    "an unexpected error stopped it; the session is unchanged": "意外错误中断了操作；会话没有改变",
    "an unexpected error stopped it (logged in {log}); the session is unchanged":
        "意外错误中断了操作（已记录在 {log}）；会话没有改变",

    # --- the derivation panel -----------------------------------------------------------------------
    "derivation": "推导",
    "where it comes from": "从何而来",
    "{n} decimals": "{n} 位小数",
    "full precision ({key})": "全精度（{key}）",
    "{decimals} (+/−, {key}: full)": "{decimals}（+/−，{key}：全精度）",
    "Select a value (arrows, tab or the mouse) to see where it comes from.":
        "选择一个值（方向键、tab 或鼠标），看它从何而来。",
    "{n} more terms not shown: {key} (full precision) lists every term": "还有 {n} 项未显示：{key}（全精度）列出每一项",
    "Jacobian derivation ({key} hides it):": "雅可比推导（{key} 隐藏）：",
    "{key}: show the softmax + cross-entropy Jacobian derivation": "{key}：显示 softmax + 交叉熵的雅可比推导",
    "expected {value} is for iteration {n} (not checked in this one)": "期望值 {value} 属于第 {n} 次迭代（本次不检查）",
    "expected {value} (not computed yet)": "期望值 {value}（尚未计算）",
    "expected {value} {mark}": "期望值 {value} {mark}",
    "— the exact value is {exact} (off by {off})": "— 精确值为 {exact}（相差 {off}）",
    "values": "值",
    "gradients": "梯度",
    "chosen by the max": "被 max 选中",
    "{role}: ": "{role}：",
    "trace: {name} reads no other value (it is given) ({key}: what reads it)":
        "追踪：{name} 不读取其他值（它是给定的）（{key}：看谁读取它）",
    "trace: {name} is read by no other value ({key}: off)": "追踪：没有其他值读取 {name}（{key}：关闭）",
    "trace ({key}): {name} reads {n} values": "追踪（{key}）：{name} 读取 {n} 个值",
    "trace ({key}): {name} read by {n} values": "追踪（{key}）：{name} 被 {n} 个值读取",
    "… and {n} more": "… 另有 {n} 个",

    # --- panels, heatmaps, editing ----------------------------------------------------------------------
    "… {shape} in all": "… 共 {shape}",
    "not computed yet": "尚未计算",
    "my answer": "我的答案",

    # --- the training panel ------------------------------------------------------------------------------
    "training": "训练",
    "{done:,}/{total:,} iterations": "{done:,}/{total:,} 次迭代",
    "stopping at the end of this iteration…": "本次迭代结束时停止…",
    "escape stops": "escape 停止",
    "{key} trains from here: iterations or epochs, in the background": "{key} 从这里开始训练：按迭代或按轮，在后台进行",
    "loss per iteration: nothing trained yet ({key} trains)": "每次迭代的损失：还没有训练（{key} 训练）",
    "loss per iteration": "每次迭代的损失",
    "last {last} · max {max}": "最新 {last} · 最大 {max}",
    "{n:,} iterations": "{n:,} 次迭代",
    " in {n} runs": "，共 {n} 次运行",
    " (bar = mean of {n})": "（每根柱为 {n} 个的平均）",
    "held-out accuracy {accuracy}": "留出集准确率 {accuracy}",
    "(loss {loss})": "（损失 {loss}）",
    "per epoch: — (this run counts iterations)": "每轮：—（本次按迭代计数）",
    "per epoch: none completed yet": "每轮：还没有完成的",
    "epoch": "轮",
    "train": "训练",
    "held-out": "留出集",
    "train: counted during the epoch": "训练：在该轮的迭代中统计",

    # --- the scenario's story ------------------------------------------------------------------------------
    "the scenario": "场景",
    "{down} {up} scroll": "{down} {up} 滚动",
    "to start: ": "开始：",
    "(any key closes this; {key} shows it again)": "（按任意键关闭；{key} 再次显示）",

    # --- the grade browser -----------------------------------------------------------------------------------
    "quit": "退出",
    "switch table": "切换表格",
    "student": "学生",
    "score": "得分",
    "note": "备注",
    "unreadable": "不可读",
    "TAMPERED": "已篡改",
    "value": "值",
    "yours": "学生的值",
    "exact": "精确值",
    "verdict": "判定",
    "slip": "失误",
    "verdict: right": "正确",
    "verdict: carried forward": "沿用前值正确",
    "verdict: missing": "未作答",
    "verdict: wrong": "错误",
    "tampered: the network, numbers or asked values differ from the variant (score 0)":
        "已篡改：网络、数值或所问的值与发下的版本不同（0 分）",
    "{student}: {score:g} of {max} · {file}": "{student}：{score:g} / {max} 分 · {file}",
    "{name}: {verdict}": "{name}：{verdict}",
}
