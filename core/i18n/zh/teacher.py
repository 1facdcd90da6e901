"""Chinese for the teacher's desk and the exports' document words (see core/i18n/zh/__init__.py)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "{layer}: every output of a sample is 0 (all dropped, or every ReLU off), so nothing flows past it":
        "{layer}：某个样本的每个输出都是 0（全部被丢弃，或每个 ReLU 都关闭），之后什么也传不过去",
    # --ask scopes (core/teacher/ask.py)
    "--ask names nothing: give a stage (forward, deltas, gradients, updates, all), a layer, a kind or value names, "
    "separated by commas":
        "--ask 没有指定任何值：请给出阶段（forward、deltas、gradients、updates、all）、层、种类或值的名称，用逗号分隔",
    "--ask {scope} asks {n:,} values; a sheet asks at most {limit}: narrow it to a layer (fc), a stage (deltas) "
    "or a kind (fc.delta)":
        "--ask {scope} 要求 {n:,} 个值；一张练习纸最多 {limit} 个：请缩小到一层（fc）、一个阶段（deltas）或一种量（fc.delta）",
    "--ask {item} picks no value this scenario computes in an iteration (expected a stage: {stages}; a layer: "
    "{layers}; a kind such as delta; or a name such as fc.delta[0])":
        "--ask {item} 没有选中本场景一次迭代中计算的任何值（应为阶段：{stages}；层：{layers}；"
        "种类，如 delta；或名称，如 fc.delta[0]）",
    # writing an exercise (core/teacher/exercise.py)
    "the folder is not empty ({n} entries, e.g. {first}): choose an empty or new folder, or add --replace to "
    "replace this exercise's files in it":
        "文件夹不是空的（{n} 项，例如 {first}）：请选择空的或新的文件夹，或加上 --replace 替换其中本练习的文件",
    "{n} of {total} students have asked values where a slip would hardly show at these decimals (e.g. {id}: "
    "{slip}); key.yaml lists them under hidden_slips":
        "{total} 名学生中有 {n} 名的题目里，在这些小数位下失误几乎看不出来（例如 {id}：{slip}）；"
        "key.yaml 在 hidden_slips 下列出了它们",
    "no pdflatex on this machine: the worksheets are Markdown and LaTeX (.tex) only":
        "本机没有 pdflatex：练习纸只有 Markdown 和 LaTeX（.tex）版本",
    "replaced {n} student files that were already in the folder": "替换了文件夹中已有的 {n} 个学生文件",
    "this is a file, not a folder: give a folder for the exercise": "这是一个文件，不是文件夹：请为练习指定一个文件夹",
    "cannot read the folder: {reason}": "无法读取文件夹：{reason}",
    "cannot create the folder: {reason}": "无法创建文件夹：{reason}",
    "pdflatex could not build {id}.pdf: the .tex is there": "pdflatex 无法生成 {id}.pdf：.tex 文件已写好",
    # unfit draws (core/teacher/friendly.py)
    "{name} holds a value larger than {largest:g}": "{name} 中有大于 {largest:g} 的值",
    "{layer}: a {activation} is saturated (|net| > {edge:g})": "{layer}：{activation} 已饱和（|net| > {edge:g}）",
    "{layer}: a {activation} net shows as 0, so its slope is unclear":
        "{layer}：{activation} 的 net 显示为 0，斜率不明确",
    "{layer}: a max-pool window has a tie for its maximum (to {d} decimals)":
        "{layer}：某个最大池化窗口的最大值并列（精确到 {d} 位小数）",
    "{name}: the {slip} slip would move it by only {moved:.2g}": "{name}：{slip} 失误只会让它变化 {moved:.2g}",
    "no slip": "没有失误",
    "{name}: the {slip} slip would be taken for {taken}": "{name}：{slip} 失误会被误认为 {taken}",
    "{layer}: a softmax output is within {edge:g} of 0 or 1": "{layer}：某个 softmax 输出与 0 或 1 相差不到 {edge:g}",
    # grading (core/teacher/grade.py)
    "{file}: not a student file of this exercise (it has no exercise block)":
        "{file}：不是本练习的学生文件（它没有 exercise 部分）",
    "{file}: not a student file of this exercise (it is for '{id}', who is not in this key)":
        "{file}：不是本练习的学生文件（它属于 '{id}'，而答案中没有此人）",
    "skipped {file}: it is the key": "跳过 {file}：它是答案文件",
    "{file}: a second file for {id} (the first, {first}, is the one graded)":
        "{file}：{id} 的第二个文件（评分的是第一个，{first}）",
    "no answer was given": "没有作答",
    "follows correctly from your own earlier value(s)": "由你自己前面的值正确推出",
    # the key (core/teacher/key.py)
    "an exercise key": "练习答案文件",
    "{file}: over {mb} MB: not a key this tool wrote": "{file}：超过 {mb} MB：不是本工具写的答案文件",
    "{file}: not an exercise key (expected the key.yaml that `cnn-tui exercise` wrote)":
        "{file}：不是练习答案文件（应为 `cnn-tui exercise` 写的 key.yaml）",
    "{file}: tolerance: expected one of {modes}": "{file}：tolerance：应为以下之一：{modes}",
    "{file}: reveal: expected one of {reveals}": "{file}：reveal：应为以下之一：{reveals}",
    "{file}: credit.carried_forward: expected a number from 0 to 1": "{file}：credit.carried_forward：应为 0 到 1 之间的数",
    "{file}: the variant of {id} does not match its digest: the key was changed":
        "{file}：{id} 的变体与其摘要不符：答案文件被改动过",
    "{file}: not a readable key (expected the key.yaml that `cnn-tui exercise` wrote)":
        "{file}：无法读取的答案文件（应为 `cnn-tui exercise` 写的 key.yaml）",
    "{file}: {field}: missing or of the wrong kind": "{file}：{field}：缺失或类型不对",
    "{file}: students: the entry {id} is damaged": "{file}：students：条目 {id} 已损坏",
    "{file} (variant of {id})": "{file}（{id} 的变体）",
    "{file}: the variant of {id} is not a valid scenario: {reason}": "{file}：{id} 的变体不是有效的场景：{reason}",
    # results and reports (core/teacher/report.py)
    "student": "学生",
    "score": "得分",
    "notes": "备注",
    "# Feedback for {id}": "# {id} 的反馈",
    "Score: **{score} of {max}**": "得分：**{score} / {max}**",
    "# Class report: {title}": "# 班级报告：{title}",
    "{n} submission(s); {graded} graded; {tampered} tampered; {unreadable} unreadable.":
        "提交 {n} 份；已评分 {graded} 份；被改动 {tampered} 份；无法读取 {unreadable} 份。",
    "## Share right per value": "## 每个值的正确率",
    "| value | right | share | |": "| 值 | 正确 | 比例 | |",
    "## Slips by frequency": "## 失误（按出现次数）",
    "## Most common wrong answers": "## 最常见的错误答案",
    "| value | answer | students | slip |": "| 值 | 答案 | 学生数 | 失误 |",
    "slips: {slips}": "失误：{slips}",
    "The file's network, numbers or asked values differ from the exercise handed out, so it could not be graded "
    "(score 0). Work on the file as it was given.":
        "此文件的网络、数值或题目与发下的练习不同，因此无法评分（0 分）。请在发下的文件上作答。",
    "no answer": "未作答",
    "you wrote {value}": "你写的是 {value}",
    "Mean score {mean:.2f} of {max}.": "平均得分 {mean:.2f} / {max}。",
    "| slip | count | |": "| 失误 | 次数 | |",
    "No slips.": "没有失误。",
    "TAMPERED: the network, numbers or asked values differ from the variant (score 0)":
        "被改动：网络、数值或题目与变体不同（0 分）",
    "It follows correctly from your own earlier value(s): {credit} credit (error carried forward). Fix the "
    "earlier value first.":
        "它由你自己前面的值正确推出：得 {credit} 分（误差传递）。请先改正前面的值。",
    "The right derivation:": "正确的推导：",
    "all right": "全部正确",
    "Every value is right.": "每个值都正确。",
    "No answer was given.": "没有作答。",
    "Slip: **{slip}**: {explanation}.": "失误：**{slip}**：{explanation}。",
    "No usual slip explains it: check the arithmetic.": "没有常见失误能解释它：请检查计算。",
    "carried forward": "误差传递",
    "wrong": "错误",
    # rosters (core/teacher/roster.py)
    "--count is a number of students from 1 to {most:,}, got {count:,}": "--count 是学生人数，1 到 {most:,}，收到的是 {count:,}",
    "a roster": "名单",
    "{file}: a roster is at most {most:,} bytes": "{file}：名单最多 {most:,} 字节",
    "{file}: the roster is empty (expected a header line with a column 'id')": "{file}：名单是空的（应有含 'id' 列的表头行）",
    "nothing": "无",
    "{file}: line 1: the roster has no column 'id' (its columns: {columns})": "{file}：第 1 行：名单没有 'id' 列（现有列：{columns}）",
    "{file}: the roster has a header but no students": "{file}：名单只有表头，没有学生",
    "{file}: {n:,} students; at most {most:,} per exercise": "{file}：{n:,} 名学生；每个练习最多 {most:,} 名",
    "{file}: not a text file (expected a UTF-8 CSV with a column 'id')": "{file}：不是文本文件（应为含 'id' 列的 UTF-8 CSV）",
    "{file}: not a readable CSV ({reason})": "{file}：无法读取的 CSV（{reason}）",
    "{file}: line {line}: id '{id}': {problem}": "{file}：第 {line} 行：编号 '{id}'：{problem}",
    "{file}: line {line}: the id '{id}' is already on line {first} (ids must differ, even in upper and lower case)":
        "{file}：第 {line} 行：编号 '{id}' 已出现在第 {first} 行（编号必须不同，不区分大小写）",
    # tolerances (core/teacher/tolerance.py)
    "within {r:g} of the exact value, relatively": "与精确值的相对误差不超过 {r:g}",
    "to {d} decimals (within 10^−{d})": "精确到 {d} 位小数（误差不超过 10^−{d}）",
    "to {s} significant figures": "精确到 {s} 位有效数字",
    "unknown tolerance '{mode}' (expected decimals=D, significant=S or relative=R)":
        "未知的容差 '{mode}'（应为 decimals=D、significant=S 或 relative=R）",
    "the tolerance {mode} needs a number, got '{value}'": "容差 {mode} 需要一个数，收到的是 '{value}'",
    "a relative tolerance is a number between 0 and 1 (like 0.01), got {amount:g}":
        "相对容差是 0 到 1 之间的数（如 0.01），收到的是 {amount:g}",
    "the tolerance {mode} is a whole number from {low} to 12, got {amount:g}":
        "容差 {mode} 是 {low} 到 12 之间的整数，收到的是 {amount:g}",
    # variants (core/teacher/variants.py)
    "Your own copy of '{name}', with your own weights and inputs: work out the values listed under exercise.ask "
    "by hand (or in cnn-tui) and hand this file back.":
        "这是 '{name}' 属于你自己的副本，权重和输入都是你自己的：请手算（或在 cnn-tui 中）"
        "exercise.ask 下列出的值，然后交回此文件。",
    "the inputs of '{name}' range from {lo} to {hi}: too wide to draw hand-friendly inputs on a grid of tenths "
    "(every input of an exercise is at most 100)":
        "'{name}' 的输入从 {lo} 到 {hi}：范围太宽，无法在十分之一的网格上抽取适合手算的输入（练习的每个输入至多为 100）",
    "no hand-friendly variant of '{name}' for {id} in {draws} draws (the last one: {last}): ask fewer values "
    "(--ask) or use a smaller network":
        "在 {draws} 次抽取中没有为 {id} 找到适合手算的 '{name}' 变体（最后一次：{last}）："
        "请少问一些值（--ask）或使用更小的网络",
    "unknown": "未知",
    # worksheets (core/teacher/worksheet.py)
    "loss {loss}; learning rate α = {rate}": "损失 {loss}；学习率 α = {rate}",
    "input {shape}": "输入 {shape}",
    "; batch of {n} (gradients are means over the batch)": "；批大小 {n}（梯度是整批的平均）",
    "# Exercise for {id}": "# {id} 的练习",
    "Work out one iteration (forward, backward, update) by hand and write each asked value {tolerance}. Write "
    "your answers into the `expected:` block of your file `{id}.yaml` (or open it in cnn-tui and press `x` on each "
    "value), and hand the file back.":
        "手算一次迭代（正向传播、反向传播、更新），每个所问的值写到{tolerance}。把答案写进你的文件 `{id}.yaml` "
        "的 `expected:` 部分（或在 cnn-tui 中打开它，在每个值上按 `x`），然后交回文件。",
    "## The network": "## 网络",
    "## Given": "## 已知",
    "| value | number |": "| 值 | 数 |",
    "## Work out ({n} values)": "## 求解（{n} 个值）",
    "| # | value | what it is | your answer |": "| # | 值 | 含义 | 你的答案 |",
    " (reads {inputs})": "（读取 {inputs}）",
    # exports (core/exports/*)
    "unknown export format '{format}' (expected one of: {formats})": "未知的导出格式 '{format}'（应为以下之一：{formats}）",
    "HAND-ROUNDING: {rule}; these are not the exact values.": "手算舍入：{rule}；这些不是精确值。",
    "{mark} {name}: expected {written} ({rule}), exact {exact}": "{mark} {name}：期望值 {written}（{rule}），精确值 {exact}",
    "Iteration {iteration} (samples {samples}); loss {loss}; learning rate α = {rate}; {function}":
        "第 {iteration} 次迭代（样本 {samples}）；损失 {loss}；学习率 α = {rate}；{function}",
    "Iteration {iteration} (sample {samples}); loss {loss}; learning rate α = {rate}; {function}":
        "第 {iteration} 次迭代（样本 {samples}）；损失 {loss}；学习率 α = {rate}；{function}",
    "export needs a complete iteration (forward, backward and update): next step is {step}":
        "导出需要完整的一次迭代（正向、反向和更新）：下一步是 {step}",
    "## Checks: {tally}": "## 核对：{tally}",
    "Checks: {tally}": "核对：{tally}",
    # solve's report (core/exports/report.py): the notes' words for the two passes
    "iteration {n} diverged: {name} is {value} (a value overflowed to ∞ or NaN, which JSON cannot hold): lower "
    "the learning rate or the file's largest inputs and weights; the text format shows where":
        "第 {n} 次迭代发散了：{name} 为 {value}（有值溢出为 ∞ 或 NaN，JSON 无法表示）：请降低学习率或文件中最大的"
        "输入和权重；文本格式会显示发生在哪里",
    "Given": "已知",
    "Update": "更新",
    "Forward pass": "正向传播",
    "Backward pass": "反向传播",
    "HAND-ROUNDING: {rule}": "手算舍入：{rule}",
    "Iteration {n} (samples {samples}) — loss {loss}, α = {rate}": "第 {n} 次迭代（样本 {samples}）— 损失 {loss}，α = {rate}",
    "Iteration {n} (sample {samples}) — loss {loss}, α = {rate}": "第 {n} 次迭代（样本 {samples}）— 损失 {loss}，α = {rate}",
    "Checks of the expected values: {tally}": "期望值核对：{tally}",
}
