"""Chinese for the shell area's messages (see core/i18n/zh/__init__.py for the shared terms)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Textual's own words (palette, key bar)
    "Search for commands…": "搜索命令…",
    "Theme": "主题",
    "Change the current theme": "更换当前主题",
    "Screenshot": "截图",
    "Save an SVG 'screenshot' of the current screen": "把当前屏幕保存为 SVG 截图",
    "palette": "命令面板",
    "Open the command palette": "打开命令面板",
    "key {key}": "按键 {key}",
    # the app: quitting
    "You have unsaved changes. Quit anyway?": "有未保存的更改。仍要退出吗？",
    "{busy} — quitting once it has finished…": "{busy}——完成后退出…",
    "{busy} is still running: quit and abandon it?": "{busy}仍在进行：退出并放弃它吗？",
    "quit cancelled: {busy} goes on": "已取消退出：{busy}继续进行",
    # the key table: key-bar labels
    "forward": "正向",
    "all fwd": "全部正向",
    "backward": "反向",
    "all back": "全部反向",
    "update": "更新",
    "next": "下一步",
    "iteration": "迭代",
    "undo": "撤销",
    "reset": "重置",
    "open": "打开",
    "save": "保存",
    "save as": "另存为",
    "+dp": "+小数位",
    "−dp": "−小数位",
    "full": "全精度",
    "Jacobian": "雅可比",
    "scroll ↓": "滚动 ↓",
    "scroll ↑": "滚动 ↑",
    "quiz": "测验",
    "my answer": "我的答案",
    "next ✗": "下一个 ✗",
    "heatmap": "热力图",
    "train": "训练",
    "stop": "停止",
    "chart": "图表",
    "hand-round": "手算舍入",
    "grad check": "梯度检验",
    "export": "导出",
    "messages": "消息",
    "trace": "追踪",
    "samples": "样本",
    "editor": "编辑器",
    "story": "简介",
    "help": "帮助",
    "quit": "退出",
    "edit": "编辑",
    "add": "添加",
    "remove": "删除",
    "up": "上移",
    "down": "下移",
    "left": "左移",
    "right": "右移",
    "back": "返回",
    "cancel": "取消",
    "close": "关闭",
    # the key table: what each key does (help, palette)
    "forward one layer": "正向传播一层",
    "the whole forward pass": "整个正向传播",
    "backward one layer": "反向传播一层",
    "the whole backward pass": "整个反向传播",
    "update every weight and bias (SGD)": "更新所有权重和偏置 (SGD)",
    "whatever comes next (forward, backward or update)": "下一步 (正向、反向或更新)",
    "complete this iteration (or run the next one)": "完成本次迭代 (或运行下一次)",
    "undo the last step or edit": "撤销上一步或上一次编辑",
    "reset to the scenario as loaded": "重置为刚载入时的场景",
    "open another scenario": "打开另一个场景",
    "save the scenario (current weights and samples)": "保存场景 (当前权重和样本)",
    "save the scenario to a new file": "把场景保存到新文件",
    "show one more decimal": "多显示一位小数",
    "show one decimal fewer": "少显示一位小数",
    "full precision in the derivation panel (toggle)": "推导面板显示全精度 (切换)",
    "expand the softmax + cross-entropy Jacobian derivation (toggle)": "展开 softmax + 交叉熵的雅可比推导 (切换)",
    "scroll the derivation panel down": "推导面板向下滚动",
    "scroll the derivation panel up": "推导面板向上滚动",
    "quiz: the next values are hidden and you type them (all, a layer or a kind)":
        "测验：隐藏接下来的值，由你输入 (全部、某一层或某一类)",
    "type your own value for the selected number: checked ✓/✗, saved under expected":
        "为选中的数输入你自己算的值：判定 ✓/✗，保存在 expected 下",
    "jump to the next expected value marked ✗": "跳到下一个标 ✗ 的期望值",
    "numbers ↔ heatmap for the focused panel": "当前面板在数字 ↔ 热力图之间切换",
    "train iterations or epochs in the background (live loss chart; z undoes)":
        "在后台训练若干次迭代或若干轮 (实时损失曲线；z 撤销)",
    "stop training at the end of the current iteration": "在本次迭代结束时停止训练",
    "show or hide the training panel (loss chart, epochs)": "显示或隐藏训练面板 (损失曲线、各轮)",
    "hand-rounding: round every value to the shown decimals before it is used (toggle)":
        "手算舍入：每个值先舍入到显示的小数位再使用 (切换)",
    "gradient check of the selected weight or bias: backprop beside a finite difference":
        "对选中的权重或偏置做梯度检验：反向传播与有限差分对照",
    "export the complete iteration: Markdown, LaTeX or a PyTorch script":
        "导出完整的一次迭代：Markdown、LaTeX 或 PyTorch 脚本",
    "the message log: every message of this session, whole, to scroll back through":
        "消息记录：本次会话的每条消息，完整可回看",
    "trace the selected value: what it reads → what reads it → off": "追踪选中的值：它读取的 → 读取它的 → 关闭",
    "pick the sample (or batch) this iteration uses: a list with labels and pictures":
        "选择本次迭代使用的样本 (或批)：带标签和图片的列表",
    "change the learning rate α (typed in the status line, checked as in a file)":
        "修改学习率 α (在状态行输入，按文件的规则检查)",
    "network editor: add, remove, reorder and change layers, loss and settings (checked as a file is)":
        "网络编辑器：添加、删除、重排和修改层、损失与设置 (按文件的规则检查)",
    "the scenario's story: its description and the keys to start (any key closes it)":
        "场景简介：它的说明和开始用的按键 (按任意键关闭)",
    "help: every key": "帮助：所有按键",
    "quit (asks first when there are unsaved changes)": "退出 (有未保存的更改时先询问)",
    "edit the selected layer or setting as the file writes it (enter applies, escape cancels)":
        "按文件的写法编辑选中的层或设置 (enter 应用，escape 取消)",
    "add a dense layer after the selected one (edit its line to change its type)":
        "在选中的层后添加一个 dense 层 (编辑它那一行可改类型)",
    "remove the selected layer": "删除选中的层",
    "move the selected layer up (earlier)": "把选中的层上移 (更靠前)",
    "move the selected layer down (later)": "把选中的层下移 (更靠后)",
    "undo the last change in the editor": "撤销编辑器中的上一次更改",
    "open the network in the stepping view (S there saves it as a scenario)":
        "在逐步视图中打开这个网络 (在那里按 S 保存为场景)",
    "back to the stepping view without the changes (asks first)": "不带更改返回逐步视图 (先询问)",
    "edit the selected weight, bias, input or target": "编辑选中的权重、偏置、输入或目标",
    # help
    "# cnn-tui — backpropagation one number at a time\n\nPanels follow the data from the **input** on the left to "
    "the **loss** on the right.\nEach layer shows its parameters (**weight**, **bias**), the forward pass (**net** = "
    "z,\n**out** = a), the backward pass (**∂out** = ∂{E}/∂out, **delta** = δ = ∂{E}/∂net, **grad_w**,\n**grad_b**) "
    "and the update (**new_w**, **new_b**). `·` marks a value not computed yet;\njust-computed values are "
    "highlighted; ✓/✗ compare the scenario's expected values.\n\nSelect any value (arrows, tab, mouse) and the panel "
    "below shows its formula, the formula\nwith numbers and the result. **enter** on a weight, bias, input or target "
    "edits it in place\n(enter commits, escape cancels); the values that depend on it are cleared.\n":
        "# cnn-tui — 一个数一个数地学反向传播\n\n"
        "面板从左边的**输入**（input）到右边的**损失**（loss），跟着数据走。每层显示它的参数（**weight** 权重、"
        "**bias** 偏置）、正向传播（**net** = z，**out** = a）、反向传播（**∂out** = ∂{E}/∂out，"
        "**delta** = δ = ∂{E}/∂net，**grad_w**，**grad_b**）和更新（**new_w**，**new_b**）。"
        "`·` 表示尚未计算的值；刚算出的值会高亮；✓/✗ 与场景的期望值比较。\n\n"
        "选中任意值（方向键、tab、鼠标），下方面板显示它的公式、代入数字的公式和结果。在权重、偏置、输入或目标上按"
        "**enter** 可就地编辑（enter 确认，escape 取消）；依赖它的值会被清除。\n",
    "key": "按键",
    "does": "作用",
    "The network editor ({key})": "网络编辑器 ({key})",
    "escape, q or ? closes the help": "escape、q 或 ? 关闭帮助",
    "↑↓ page up/down scroll": "↑↓ page up/down 滚动",
    "move between values and panels": "在值和面板之间移动",
    "check the value typed in the answer box": "检查答案框中输入的值",
    "reveal the value asked, without scoring it": "揭晓所问的值，不计分",
    "leave the quiz (the values computed so far stay)": "退出测验 (已算出的值保留)",
    "command palette (every action)": "命令面板 (所有操作)",
    # the main screen
    "{name}: press {forward} to step forward one layer, {next} for whatever comes next, {help} for help":
        "{name}：按 {forward} 正向传播一层，{next} 执行下一步，{help} 查看帮助",
    "α stays {rate:g}": "α 保持 {rate:g}",
    "quiz: ? below": "测验：? 见下方",
    "next: {key}": "下一步：{key}",
    "that did not work: {problem}": "没有成功：{problem}",
    "cancelled": "已取消",
    # the bars
    " … ({key}: the whole message)": " … ({key}：完整消息)",
    "a number > 0, e.g. 0.1": "大于 0 的数，例如 0.1",
    "loss ": "损失 ",
    "iteration ": "迭代 ",
    "sample ": "样本 ",
    "samples ": "样本 ",
    "quiz: {asked} = ?": "测验：{asked} = ?",
    " HAND-ROUNDING {n}dp ": " 手算舍入 {n} 位 ",
    " QUIZ {score} ": " 测验 {score} ",
    " EXERCISE {progress} ": " 练习 {progress} ",
    " [unsaved]": " [未保存]",
    # stepping
    "; press {keys}": "；请按 {keys}",
    " or ": " 或 ",
    "{done}: computed {what} · {where}": "{done}，算出 {what} · {where}",
    " and {n} more": " 及另外 {n} 个",
    "nothing new": "没有新值",
    "next: {step} ({key})": "下一步：{step} ({key})",
    "iteration {n} is updated · {keys}": "第 {n} 次迭代已更新 · {keys}",
    "{forward} or {next}: next iteration": "{forward} 或 {next}：下一次迭代",
    "updated {n} of {total} parameters (new_w, new_b): {example} · {keys}":
        "已更新 {total} 个参数中的 {n} 个 (new_w, new_b)：{example} · {keys}",
    "undid {step} · {where}": "已撤销 {step} · {where}",
    "reset to the scenario as loaded ({key} undoes the reset)": "已重置为刚载入时的场景 ({key} 撤销重置)",
    "Reset to the scenario as loaded? Your edits and steps are undoable with {key}.":
        "重置为刚载入时的场景吗？你的编辑和步骤可以用 {key} 撤销。",
    # view
    "display precision stays between 0 and {n} decimals": "显示精度只能在 0 到 {n} 位小数之间",
    "showing {decimals}{rounding}": "显示 {decimals}{rounding}",
    "derivation in full precision": "推导以全精度显示",
    "derivation at {decimals}": "推导显示 {decimals}",
    "the Jacobian steps belong to the output delta of softmax + cross-entropy: select its delta (after the first "
    "backward step) and press {key}":
        "雅可比步骤属于 softmax + 交叉熵的输出 delta：选中它的 delta (第一步反向之后) 再按 {key}",
    "the Jacobian derivation of {name} is shown ({key} hides it)": "已显示 {name} 的雅可比推导 ({key} 隐藏)",
    "the Jacobian derivation is hidden ({key} shows it)": "雅可比推导已隐藏 ({key} 显示)",
    "no expected value computed so far is marked ✗": "目前算出的期望值中没有标 ✗ 的",
    "{n} expected values marked ✗ so far ({key}: next)": "目前有 {n} 个期望值标 ✗ ({key}：下一个)",
    # editing
    "{name} is computed, not given: {editable}": "{name} 是算出来的，不是给定的：{editable}",
    "editing {name}: type a number, enter to commit, escape to cancel":
        "正在编辑 {name}：输入一个数，enter 确认，escape 取消",
    "select a value first, then {key} to type the value you computed by hand":
        "先选中一个值，再按 {key} 输入你手算的值",
    "{name} is given, not computed: {key} is for the values you work out by hand (enter edits a given value)":
        "{name} 是给定的，不是算出来的：{key} 用于你手算的值 (给定的值用 enter 编辑)",
    "enter keeps it": "enter 记下",
    "enter checks": "enter 检查",
    "my answer for {name}: your value (its decimals set the tolerance) · {checks} · empty removes · escape cancels":
        "你对 {name} 的答案：输入你的值 (小数位决定容差) · {checks} · 留空则删除 · escape 取消",
    "my answer for {name}: cancelled": "你对 {name} 的答案：已取消",
    "edit of {name} cancelled": "已取消编辑 {name}",
    "{name} not changed: {reason}": "{name} 未更改：{reason}",
    "removed your answer for {name}": "已删除你对 {name} 的答案",
    "your {value} for {name} is kept ({done} of {total} answered) · saved with {key} under expected; it is checked "
    "when your teacher grades it":
        "已记下你对 {name} 的 {value} (已答 {done}/{total}) · 按 {key} 保存在 expected 下；教师评分时检查",
    "your {value} for {name} is kept; it is checked once {name} is computed (saved with {key})":
        "已记下你对 {name} 的 {value}；算出 {name} 后检查 (按 {key} 保存)",
    "{mark} your {value} for {name} is right ({rule}) · saved with {key} under expected":
        "{mark} 你对 {name} 的 {value} 正确 ({rule}) · 按 {key} 保存在 expected 下",
    "{mark} your {value} for {name} is close ({rule}) · saved with {key} under expected":
        "{mark} 你对 {name} 的 {value} 足够接近 ({rule}) · 按 {key} 保存在 expected 下",
    " · likely slip: {slip} (explained below)": " · 可能的失误：{slip} (下方有解释)",
    " (the derivation below shows the formula with numbers)": " (下方推导给出代入数字的公式)",
    "✗ your {value} for {name}: the exact value is {exact}{why}": "✗ 你对 {name} 的 {value}：精确值是 {exact}{why}",
    # exercise
    "not in an exercise: it would show the values you are asked to work out": "练习中不可用：它会显示要你算的值",
    "not in an exercise: it would change the numbers you are asked to work out": "练习中不可用：它会改变要你算的数",
    "the exercise is this iteration: its update is done ({undo} steps back; {save} saves your answers)":
        "练习就是这一次迭代：它的更新已完成 ({undo} 后退一步；{save} 保存你的答案)",
    "\nAsked in your exercise: work it out by hand; {key} records your answer":
        "\n练习要求的值：请手算；{key} 记录你的答案",
    " (now {answer})": " (现为 {answer})",
    "\nHidden in your exercise: it comes after a value you are asked to work out.":
        "\n练习中隐藏：它在要你算的值之后。",
    # files
    "{busy} — a moment": "{busy}——请稍候",
    "open cancelled": "已取消打开",
    "not opened: {problem}": "未打开：{problem}",
    "opened {name} ({path})": "已打开 {name} ({path})",
    "save cancelled": "已取消保存",
    "not saved: {reason}": "未保存：{reason}",
    "not saved: no folder created": "未保存：没有创建文件夹",
    "{path} exists. Overwrite it?": "{path} 已存在。覆盖吗？",
    "the folder {path} was not created: nothing written": "没有创建文件夹 {path}：什么也没写",
    "could not create the folder {path}: {reason}": "无法创建文件夹 {path}：{reason}",
    "created the folder {path}": "已创建文件夹 {path}",
    "The folder {path} does not exist. Create it?": "文件夹 {path} 不存在。创建吗？",
    "saved to {path}": "已保存到 {path}",
    "saving to {path}": "正在保存到 {path}",
    "nothing to export yet — {key} completes the iteration ({problem})":
        "还没有可导出的——{key} 完成本次迭代 ({problem})",
    "hand-rounding is on ({decimals}): the export says so": "手算舍入已开启 ({decimals})：导出中会注明",
    "your browser downloads the file: only its name is used": "由浏览器下载文件：只用到文件名",
    "export cancelled": "已取消导出",
    "not exported: {reason}": "未导出：{reason}",
    "not exported: no folder created": "未导出：没有创建文件夹",
    "exported iteration {n} as {format}: your browser downloads {name}":
        "已把第 {n} 次迭代导出为 {format}：浏览器下载 {name}",
    "exported iteration {n} as {format} to {path}": "已把第 {n} 次迭代导出为 {format}，保存到 {path}",
    "exporting to {path}": "正在导出到 {path}",
    # heatmaps
    "{key} switches the focused panel between numbers and a heatmap: move into a panel first":
        "{key} 让当前面板在数字和热力图之间切换：请先移到一个面板里",
    "{panel}: heatmap (blue < 0 < red; arrows move over single values; {key}: numbers)":
        "{panel}：热力图 (蓝 < 0 < 红；方向键逐个移动；{key}：数字)",
    "{panel}: numbers ({key}: heatmap)": "{panel}：数字 ({key}：热力图)",
    " — {name} is beyond the first {rows}×{cols} shown": " — {name} 超出了显示的前 {rows}×{cols} 个",
    # quiz
    "the quiz is stepping for you: type the value in the answer box ({key} goes back to it), escape leaves the quiz":
        "测验正在替你逐步计算：请在答案框输入值 ({key} 回到答案框)，escape 退出测验",
    "quiz: {name} = ? — type it below (escape leaves the quiz)": "测验：{name} = ? — 在下方输入 (escape 退出测验)",
    "quiz cancelled": "已取消测验",
    "no quiz: {reason}": "无法测验：{reason}",
    "nothing to ask about {scope} in this iteration: it is complete ({key} again starts on the next one)":
        "{scope} 在本次迭代中已没有可问的值：已完成 (再按 {key} 从下一次迭代开始)",
    "quiz on {scope}: compute {name} and type it; the decimals you type set the tolerance":
        "测验范围：{scope}；算出 {name} 并输入，你输入的小数位决定容差",
    "✓ {name}: {typed} is right (exact {exact})": "✓ {name}：{typed} 正确 (精确值 {exact})",
    "✗ {name}: {typed} is wrong, it is {exact}{slip} (the formula with numbers is above)":
        "✗ {name}：{typed} 不对，应为 {exact}{slip} (上方是代入数字的公式)",
    "revealed {name} = {value} (not scored) · {score}": "已揭晓 {name} = {value} (不计分) · {score}",
    "left the quiz: {score}; the values computed so far are shown": "已退出测验：{score}；显示目前已算出的值",
    "{said} · quiz over: {score}": "{said} · 测验结束：{score}",
    # samples and α
    "the iteration keeps its samples": "本次迭代保留原来的样本",
    "iteration {iteration} uses samples {picked}: {cleared} ({key} undoes)":
        "第 {iteration} 次迭代使用样本 {picked}：{cleared} ({key} 撤销)",
    "α: type the learning rate (a number > 0) and press enter; escape keeps it":
        "α：输入学习率 (大于 0 的数) 后按 enter；escape 保持不变",
    "α = {rate}: {cleared} ({key} undoes)": "α = {rate}：{cleared} ({key} 撤销)",
    # the story
    "{name} has no description; its name and the first keys are shown": "{name} 没有说明；显示它的名字和开始用的按键",
    # the network editor
    "the designed network is open: {forward} steps it, {save_as} saves it as a scenario, {editor} edits it again":
        "设计好的网络已打开：{forward} 逐步计算，{save_as} 保存为场景，{editor} 再次编辑",
    "left the network editor; nothing changed": "已离开网络编辑器；没有更改",
    "Open the designed network in place of this session? Its unsaved edits are not saved (the design keeps the "
    "weights as they are now).": "用设计好的网络替换本次会话吗？未保存的编辑不会保存 (设计保留现在的权重)。",
    # hand-rounding and the gradient check
    "; hand-rounding now to {decimals}, computed values cleared ({key} undoes)":
        "；手算舍入改为 {decimals}，已清除算出的值 ({key} 撤销)",
    "{said}; computed values cleared ({key}: off)": "{said}；已清除算出的值 ({key}：关闭)",
    "hand-rounding off: exact values again; computed values cleared ({key}: on)":
        "手算舍入已关闭：恢复精确值；已清除算出的值 ({key}：开启)",
    "select a weight or bias (or its gradient), then {key}": "先选中一个权重或偏置 (或它的梯度)，再按 {key}",
    "not during this question: answer it first": "这道题进行中不可用：请先回答",
    " — the gradient comes from the backward pass: {key} steps back to it":
        " — 梯度来自反向传播：按 {key} 反向计算到它",
    "no gradient check: {reason}": "无法梯度检验：{reason}",
    "they agree": "两者一致",
    "they DISAGREE": "两者不一致",
    "gradient check of {name}: relative error {error:.1e}, {verdict}":
        "{name} 的梯度检验：相对误差 {error:.1e}，{verdict}",
    "gradient check of {name} ({key})": "{name} 的梯度检验 ({key})",
    "analytic  ∂{loss}/∂{w} from backprop": "解析值  ∂{loss}/∂{w} 来自反向传播",
    "numeric   ({loss}({w}+h) − {loss}({w}−h)) / 2h": "数值    ({loss}({w}+h) − {loss}({w}−h)) / 2h",
    "\n  relative error |a − n| / max(|a|, |n|) = {error:.1e} ": "\n  相对误差 |a − n| / max(|a|, |n|) = {error:.1e} ",
    "✓ they agree": "✓ 两者一致",
    "✗ they disagree": "✗ 两者不一致",
    "\n  hand-rounding is on: backprop used rounded values, the finite difference exact ones":
        "\n  手算舍入已开启：反向传播用舍入后的值，有限差分用精确值",
    # trace
    "finding every value that reads {name}…": "正在查找读取 {name} 的所有值…",
    "trace: every value that reads it ({n} marked; {key}: trace off)":
        "追踪：读取它的所有值 (标出 {n} 个；{key}：关闭追踪)",
    "trace off ({key}: show what the selected value reads)": "追踪已关闭 ({key}：显示选中的值读取的值)",
    "trace: what the selected value reads ({n} marked; {key}: what reads it)":
        "追踪：选中值所读取的值 (标出 {n} 个；{key}：读取它的值)",
    # training
    "training — press {key} to stop": "正在训练——按 {key} 停止",
    "training panel shown ({key} hides it)": "已显示训练面板 ({key} 隐藏)",
    "training panel hidden ({key} shows it)": "已隐藏训练面板 ({key} 显示)",
    "training cancelled": "已取消训练",
    "{n:,} epochs": "{n:,} 轮",
    " ({n:,} iterations)": " ({n:,} 次迭代)",
    "{n:,} iterations": "{n:,} 次迭代",
    "training {what} — {key} stops; the panels follow every half second": "训练 {what}——{key} 停止；面板每半秒更新一次",
    "nothing is training ({key} trains)": "没有在训练 ({key} 开始训练)",
    "stopping at the end of this iteration…": "本次迭代结束时停止…",
    "training {n:,} epochs": "训练 {n:,} 轮",
    "training {n:,} iterations": "训练 {n:,} 次迭代",
    "training {what}": "训练 {what}",
    "undid the training of {what}: back at iteration {n}  ·  {key} trains again":
        "已撤销 {what} 的训练：回到第 {n} 次迭代  ·  {key} 再次训练",
    "training stopped before the first iteration finished: nothing changed": "训练在第一次迭代完成前停止：没有更改",
    "stopped after {what} in {secs:.1f} s: last loss {loss}": "{what}后停止，用时 {secs:.1f} 秒：最后损失 {loss}",
    "trained {what} in {secs:.1f} s: last loss {loss}": "已训练 {what}，用时 {secs:.1f} 秒：最后损失 {loss}",
    " · held-out accuracy {accuracy}": " · 留出集准确率 {accuracy}",
    "{result} · now at iteration {n} · {key} undoes the training": "{result} · 现在是第 {n} 次迭代 · {key} 撤销训练",
    "kept the {n:,} iterations before it ({key} undoes them)": "保留了它之前的 {n:,} 次迭代 ({key} 撤销)",
    "nothing changed": "没有更改",
    "training failed after {n:,} iterations: {problem}": "训练在 {n:,} 次迭代后失败：{problem}",
    "stopped: {done:,}/{total:,} iterations in {secs:.1f} s": "已停止：{done:,}/{total:,} 次迭代，用时 {secs:.1f} 秒",
    "done: {done:,}/{total:,} iterations in {secs:.1f} s": "完成：{done:,}/{total:,} 次迭代，用时 {secs:.1f} 秒",
    "  ·  {train} trains more  ·  {undo} undoes  ·  {chart} hides this panel":
        "  ·  {train} 继续训练  ·  {undo} 撤销  ·  {chart} 隐藏此面板",
    # the panel window of a long network (tui/screens/main_screen.py)
    "◀ {n:,} more": "◀ 还有 {n:,} 层",
    "{n:,} more ▶": "还有 {n:,} 层 ▶",
}
