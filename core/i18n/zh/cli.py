"""Chinese for the cli area's messages (see core/i18n/zh/__init__.py for the shared terms).

The command (tui/cli.py, its --help and argparse's own words in tui/parsing.py), the progress
bar, serve, and the errors of core: numbers, text, scenario files, the engine's steps and edits.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --lang
    "--lang takes en or zh, not {value}": "--lang 只接受 en 或 zh，而不是 {value}",
    "--lang needs a language: en or zh": "--lang 需要一种语言：en 或 zh",

    # what each form of the usage does (tui/cli.py USAGE_FORMS; the syntax stays as it is)
    'open the TUI (default: tiny-cnn); --root: open and save only in DIR': '打开 TUI（默认 tiny-cnn）；--root：只在 DIR 中打开和保存',
    'design a network in the TUI, from a blank one': '在 TUI 中从空白网络开始设计',
    'the TUI in browsers': '在浏览器中使用 TUI',
    'any command in English or Simplified Chinese (default: the locale)': '任一命令以英文或简体中文显示（默认随系统区域设置）',
    'ASCII only, for terminals that draw δ, ·, → two cells wide': '只用 ASCII 字符，适用于把 δ、·、→ 画成两格宽的终端',
    "Step through backpropagation one number at a time.": "一个数一个数地走完反向传播。",

    # argparse's own words (tui/parsing.py); %-placeholders are argparse's
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 必须给出其中一个",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
    "ignored explicit argument %r": "忽略了显式给出的参数 %r",

    # subcommands' help
    "list the bundled scenarios": "列出自带的场景",
    "validate a scenario file": "检查场景文件",
    "print every value with its derivation": "打印每个值及其推导",
    "iterations to run (1 to {most:,}; default 1)": "要运行的迭代次数（1 到 {most:,}；默认 1）",
    "round every value to the display decimals before it is used": "每个值在使用前先按显示的小数位舍入",
    "train headless with a progress bar": "在无界面模式下训练，显示进度条",
    "Train headless with a progress bar. Each epoch's line gives the mean loss and the accuracy of its own iterations "
    "(each counted in its forward pass, before its update) and, with test_samples, the held-out accuracy evaluated "
    "after the epoch.":
        "在无界面模式下训练，显示进度条。每轮一行：该轮各次迭代的平均损失和准确率（每次迭代在其前向传播中、"
        "更新之前统计），有 test_samples 时还有该轮结束后评估的留出集准确率。",
    "epochs to train (1 to {most:,}; default 10)": "训练的轮数（1 到 {most:,}；默认 10）",
    "save the trained scenario here": "把训练后的场景保存到这里",
    "1: each batch in one pass, as the TUI trains; 2: each batch of two samples or more, an even number, split "
    "into two halves, on two CPUs if there are two (the last digits can differ from 1's, but not with the number "
    "of CPUs); default: 2 where that is faster here, else 1":
        "1：每个批次一次算完，与 TUI 的训练相同；2：样本数为偶数（至少两个）的批次分成两半，有两个 CPU 时同时计算"
        "（最后几位数字可能与 1 不同，但与 CPU 个数无关）；默认：在本机更快时为 2，否则为 1",
    "export iteration 1's derivation or a PyTorch script": "导出第 1 次迭代的推导或 PyTorch 脚本",
    "write here (default: standard output)": "写到这里（默认：标准输出）",
    "a variant and a worksheet per student, and the teacher's key":
        "为每个学生生成一个变体和一份练习单，并生成教师的答案",
    "students s01 … sNN": "学生 s01 … sNN",
    "a CSV with a column 'id'": "含 'id' 列的 CSV 文件",
    "variants are drawn from S and the id": "变体由 S 和学生编号抽取",
    "values to work out: a stage (forward, deltas, gradients, updates, all), a layer, "
    "a kind, LAYER:STAGE, LAYER.KIND or names, separated by commas (default: all)":
        "要计算的值：一个阶段（forward、deltas、gradients、updates、all）、一层、一种量、"
        "LAYER:STAGE、LAYER.KIND 或名称，用逗号分隔（默认：all）",
    "decimals=D (default: the scenario's display decimals), significant=S or relative=R":
        "decimals=D（默认：场景的显示小数位）、significant=S 或 relative=R",
    "after: feedback shows the right values; never: it names slips only; always: practice, the TUI shows ✓/✗":
        "after：反馈给出正确值；never：只指出失误；always：练习模式，TUI 显示 ✓/✗",
    "the folder to write into": "写入的文件夹",
    "replace this exercise's files in a non-empty DIR": "在非空的 DIR 中替换本练习的文件",
    "grade submitted student files against the key": "按答案给学生提交的文件评分",
    "print the results as JSON": "以 JSON 打印结果",
    "write a gradebook CSV": "写出成绩单 CSV",
    "write the class report (Markdown)": "写出全班报告（Markdown）",
    "write each student's feedback to DIR/ID.md": "把每个学生的反馈写到 DIR/ID.md",
    "browse the students and their answers": "浏览学生及其答案",
    "serve the TUI to browsers, one session per tab (the serve extra)":
        "向浏览器提供 TUI，每个标签页一个会话（需 serve 附加组件）",
    "the scenario every tab opens (tiny-cnn)": "每个标签页打开的场景（tiny-cnn）",
    "the address to listen on (default: 127.0.0.1, this machine only)": "监听的地址（默认：127.0.0.1，仅本机）",
    "the port (default: 8000)": "端口（默认：8000）",
    "open and save only inside DIR (default: this folder)": "只在 DIR 内打开和保存（默认：当前文件夹）",

    # option values
    "expected a port number, got {value}": "应为端口号，实际为 {value}",
    "expected a port from 1 to 65535, got {value}": "应为 1 到 65535 之间的端口，实际为 {value}",
    "expected a whole number, got {value}": "应为整数，实际为 {value}",
    "expected a whole number from 0 to 2^63 − 1, got {value}": "应为 0 到 2^63 − 1 之间的整数，实际为 {value}",
    "expected a whole number from 1 to {most:,}, got {value}": "应为 1 到 {most:,} 之间的整数，实际为 {value}",
    "unexpected arguments: {arguments}": "多余的参数：{arguments}",
    "interrupted": "已中断",
    "stopped by a signal ({name})": "被信号终止（{name}）",

    # the commands' results
    "{file}: ok — {name}: {layers}, {parameters}, {samples}":
        "{file}：通过 — {name}：{layers}，{parameters}，{samples}",
    "{n} layers": "{n} 层",
    "{n} parameters": "{n} 个参数",
    "{n} samples": "{n} 个样本",
    " with derivations (text and markdown)": "（含推导时：text 和 markdown）",
    "one iteration of this scenario keeps {per_iteration:,} values; solve can keep at most "
    "{limit:,}{what}: lower batch_size, or use train":
        "此场景的一次迭代要保存 {per_iteration:,} 个值；solve 最多能保存 {limit:,} 个{what}："
        "请减小 batch_size，或改用 train",
    "--iterations {iterations:,} would keep {asked:,} values ({per_iteration:,} per "
    "iteration); the limit is {limit:,}{what}: ask for at most {most:,}":
        "--iterations {iterations:,} 要保存 {asked:,} 个值（每次迭代 {per_iteration:,} 个）；"
        "上限是 {limit:,}{what}：最多只能要 {most:,} 次",
    "{reason} (checked before training)": "{reason}（训练前已检查）",
    "{error}; nothing saved": "{error}；没有保存任何内容",
    "saved the trained scenario to {path}": "已把训练后的场景保存到 {path}",
    "  epoch {epoch}/{epochs}": "  第 {epoch}/{epochs} 轮",
    "epoch {epoch}/{epochs}  loss {loss}": "第 {epoch}/{epochs} 轮  损失 {loss}",
    "  accuracy {percent:.1f}%": "  准确率 {percent:.1f}%",
    "  held-out accuracy {percent:.1f}%": "  留出集准确率 {percent:.1f}%",
    "{reason} (checked before exporting)": "{reason}（导出前已检查）",
    "wrote {path}": "已写出 {path}",
    "wrote {students} ({values} to work out each), their worksheets and key.yaml in {folder}":
        "已在 {folder} 中写出 {students}（每份要计算 {values}）、对应的练习单和 key.yaml",
    "{n} student files": "{n} 份学生文件",
    "{n} values": "{n} 个值",
    "{done}/{total} iterations": "{done}/{total} 次迭代",

    # serve
    "serving needs textual-serve, the serve extra: pip install 'cnn-tui[serve]'":
        "serve 需要 textual-serve（serve 附加组件）：pip install 'cnn-tui[serve]'",
    "--host {host}: the page links to the address given, and a browser on another machine "
    "cannot follow that one: give this machine's address as the students type it "
    "(for example --host 192.168.1.20)":
        "--host {host}：页面会链接到给定的地址，而其他机器上的浏览器无法访问它："
        "请给出学生输入的本机地址（例如 --host 192.168.1.20）",
    "serving {target} at {url} — open and save inside {folder}; ctrl+c stops":
        "正在 {url} 提供 {target} — 只在 {folder} 内打开和保存；ctrl+c 停止",
    "the address cannot be used": "该地址无法使用",
    "could not serve at {address}: {reason}": "无法在 {address} 提供服务：{reason}",
    # core/errors.py, core/numbers.py, core/text.py
    "<scenario>": "<场景>",
    "ASCII digits with one '.', e.g. 0.25, −1.5 or 2e-3": "ASCII 数字，小数点用一个 '.'，例如 0.25、−1.5 或 2e-3",
    "type a number: {accepted}": "请输入一个数：{accepted}",
    "'{shown}' is not a number: type {accepted}": "'{shown}' 不是数：请输入 {accepted}",
    "'{shown}' is too large: numbers must lie within ±1.8e308": "'{shown}' 太大：数必须在 ±1.8e308 以内",
    "'{shown}' is too small: float64 holds numbers down to 5e−324, and this one would be 0":
        "'{shown}' 太小：float64 能表示的最小数为 5e−324，这个数会变成 0",
    "{value} is too small for a float64 (the smallest is 5e−324): it would be read as 0":
        "{value} 对 float64 来说太小（最小为 5e−324）：会被读成 0",
    "'{cleaned}' is not a whole number: type ASCII digits, e.g. 10 or 1,000":
        "'{cleaned}' 不是整数：请输入 ASCII 数字，例如 10 或 1,000",
    "'{shown}': write the decimal point as '.' ({point}), not ','":
        "'{shown}'：小数点请写作 '.'（{point}），而不是 ','",
    "… ({n} more characters)": "…（还有 {n} 个字符）",
    "nothing": "无",
    "true/false ({value})": "布尔值（{value}）",
    "a number too large": "过大的数",
    "the number {value}": "数 {value}",
    "the text {value}": "文本 {value}",
    "a list of {n}": "含 {n} 项的列表",
    "a mapping": "映射",
    "a list": "列表",
    "a value of another kind": "其他类型的值",
    "a number of thousands of digits": "有数千位的数",

    # scenario files: what a value should be (core/scenario/load.py)
    "a scenario file": "场景文件",
    "a scenario": "场景",
    "a layer": "层",
    "a {kind} layer": "{kind} 层",
    "layer type": "层类型",
    "a sample": "样本",
    "a samples file reference": "样本文件引用",
    "display settings": "显示设置",
    "optimizer settings": "优化器设置",
    "a learning rate": "学习率",
    "expected values (quantity name: value)": "期望值（量名: 值）",
    "an exercise (id, ask)": "练习（id、ask）",
    "an exercise": "练习",
    "the input x": "输入 x",
    "the target y": "目标 y",
    "expected {what} (a mapping of fields), got {value}": "应为{what}（字段映射），实际为 {value}",
    "unknown field {key} for {what} (expected one of: {allowed})": "{what}没有字段 {key}（可用：{allowed}）",
    "expected a whole number ≥ {minimum}, got {value}": "应为 ≥ {minimum} 的整数，实际为 {value}",
    "expected a whole number ≤ {maximum:,}, got {value}": "应为 ≤ {maximum:,} 的整数，实际为 {value}",
    "expected a number, got {value}": "应为数，实际为 {value}",
    "expected a number, got {text}": "应为数，实际为 {text}",
    "expected a finite number of sensible size, got {value}": "应为大小合理的有限数，实际为 {value}",
    "unknown {what} {value} (expected one of: {options})": "未知的{what} {value}（可用：{options}）",
    "expected one whole number or [height, width], got {n} values": "应为一个整数或 [height, width]，实际有 {n} 个值",
    "expected one whole number for a 1-D layer": "一维层应为一个整数",
    "{what} must have shape {full} (nested lists), got {value} at depth {depth}":
        "{what} 的形状必须是 {full}（嵌套列表），但在第 {depth} 层是{value}",
    "{what} must have shape {full}, but a list here has {n} entries instead of {wanted}":
        "{what} 的形状必须是 {full}，但这里的列表有 {n} 项，而不是 {wanted} 项",
    "{what} must have shape {full}: found a list where a number belongs":
        "{what} 的形状必须是 {full}：应为数的位置出现了列表",
    "expected a number in {what}, got {item}": "{what} 中应为数，实际为 {item}",
    "{what} holds a non-finite or huge number ({item})": "{what} 含有非有限或过大的数（{item}）",
    "the file is over the 10 MB limit for YAML: put the samples in an npz file "
    "(samples: {{file: data.npz}}) and keep the YAML small":
        "文件超过 YAML 的 10 MB 上限：请把样本放进 npz 文件（samples: {{file: data.npz}}），让 YAML 保持小巧",
    "not a text file (expected UTF-8 YAML)": "不是文本文件（应为 UTF-8 编码的 YAML）",
    "expected a number > 0, got {learning_rate}": "应为 > 0 的数，实际为 {learning_rate}",
    "over the 10 MB limit for YAML: put the samples in an npz file": "超过 YAML 的 10 MB 上限：请把样本放进 npz 文件",
    "the required field '{key}' is missing (a scenario needs: {required})":
        "缺少必需字段 '{key}'（场景需要：{required}）",
    "format {shown} is not supported (this cnn-tui reads format {format})":
        "不支持格式 {shown}（此版本 cnn-tui 读取格式 {format}）",
    "expected a non-empty title, got {name}": "应为非空的标题，实际为 {name}",
    "expected text, got {description}": "应为文本，实际为 {description}",
    "expected 0 to 15 decimals, got {decimals}": "小数位应为 0 到 15，实际为 {decimals}",
    "expected the shape of one sample: [features], [channels, length] or [channels, height, width], got {value}":
        "应为单个样本的形状：[features]、[channels, length] 或 [channels, height, width]，实际为 {value}",
    "{pname} is frozen, so it has no optimizer state": "{pname} 已冻结，因此没有优化器状态",
    "expected a list of one or more layers, got {value}": "应为含一层或多层的列表，实际为 {value}",
    "the layer has no 'type' (expected one of: {layer_types})": "该层没有 'type'（可用：{layer_types}）",
    "invalid layer name {name} (expected lower-case letters, digits and _, starting with a letter; "
    "not input, target or loss)":
        "无效的层名 {name}（只能用小写字母、数字和 _，以字母开头；不能是 input、target 或 loss）",
    "the layer name '{name}' is used twice": "层名 '{name}' 用了两次",
    "an {kind} layer needs 'inputs' (two or more layer names, or input)":
        "{kind} 层需要 'inputs'（两个或更多层名，或 input）",
    "expected a list of parameters to freeze: [weight], [bias] or [weight, bias], got {wrong}":
        "应为要冻结的参数列表：[weight]、[bias] 或 [weight, bias]，实际为 {wrong}",
    "expected a list of the layer names this layer reads (or input), got {value}":
        "应为此层读取的层名列表（或 input），实际为 {value}",
    "expected a layer name (or input), got {name}": "应为层名（或 input），实际为 {name}",
    "a {kind} layer needs '{field}'": "{kind} 层需要 '{field}'",
    "'{name}' must be a number {where}, got {value}": "'{name}' 必须是 {where} 的数，实际为 {value}",
    "'{key}' belongs to the {users} activation, not to {activation}":
        "'{key}' 属于 {users} 激活函数，而不是 {activation}",
    "expected the path of an npz file with arrays x and y": "应为含数组 x 和 y 的 npz 文件路径",
    "expected a list of one or more samples (each with x and y or label), or {{file: data.npz}}, got {value}":
        "应为含一个或多个样本的列表（每个带 x 和 y 或 label），或 {{file: data.npz}}，实际为 {value}",
    "the sample has no input 'x'": "该样本没有输入 'x'",
    "give the sample either a target 'y' or a class 'label', not both":
        "样本要么给目标 'y'，要么给类别 'label'，不能两者都给",
    "give the sample either a target 'y' or a class 'label', not neither":
        "样本要么给目标 'y'，要么给类别 'label'，不能都不给",
    "the target must have {outputs} values (the outputs of layer '{name}'), got {got}":
        "目标必须有 {outputs} 个值（层 '{name}' 的输出数），实际为 {got}",
    "class {label} does not exist: the last layer has {outputs} outputs (classes 0 to {last})":
        "类别 {label} 不存在：最后一层有 {outputs} 个输出（类别 0 到 {last}）",
    "for {loss} every target must lie in 0…1 (the probability of each output), but sample {i}'s y[{k}] is {y:g}":
        "对 {loss}，每个目标都必须在 0…1 之内（各输出的概率），但样本 {i} 的 y[{k}] 是 {y:g}",
    "for {loss} the targets must be ≥ 0 and sum to 1, but sample {i}'s sum to {sums:g}":
        "对 {loss}，目标必须 ≥ 0 且总和为 1，但样本 {i} 的总和是 {sums:g}",
    "the samples file {shown} does not exist (looked in {base_dir})": "样本文件 {shown} 不存在（查找位置：{base_dir}）",
    "{shown} has no array '{key}' (expected x [N, *input] and y)":
        "{shown} 中没有数组 '{key}'（应有 x [N, *input] 和 y）",
    "{shown}: x has shape {shape}, expected [N, {input_shape}] with N ≥ 1":
        "{shown}：x 的形状是 {shape}，应为 [N, {input_shape}] 且 N ≥ 1",
    "{shown}: y as labels must have {samples} class indices in 0…{last}":
        "{shown}：作为标签的 y 必须有 {samples} 个 0…{last} 的类别编号",
    "{shown}: y has shape {shape}, expected [{samples}, {outputs}] targets or [{samples}] integer labels":
        "{shown}：y 的形状是 {shape}，应为 [{samples}, {outputs}] 的目标或 [{samples}] 的整数标签",
    "{shown}: x must hold finite numbers that fit float64": "{shown}：x 必须是 float64 能容纳的有限数",
    "{shown}: y must hold finite numbers that fit float64": "{shown}：y 必须是 float64 能容纳的有限数",
    "the required field '{key}' is missing (an exercise needs: id, ask)": "缺少必需字段 '{key}'（练习需要：id、ask）",
    "expected the student's id as text, got {sid}": "学生编号应为文本，实际为 {sid}",
    "expected a list of quantity names, got {ask}": "应为量名列表，实际为 {ask}",
    "expected a quantity name, got {key}": "应为量名，实际为 {key}",
    "{key} is asked twice": "{key} 被要求了两次",
    "{key} is not a quantity name: {n:,} characters, at most {most} (like fc.out[0] or conv.weight[0,0,1])":
        "{key} 不是量名：有 {n:,} 个字符，最多 {most} 个（如 fc.out[0] 或 conv.weight[0,0,1]）",
    "{key} is not a quantity name: it holds control characters": "{key} 不是量名：含有控制字符",

    # YAML (core/scenario/yaml_source.py)
    "{shown} is refused: scenario files hold plain data only (numbers, text, lists, mappings), never YAML tags":
        "{shown} 被拒绝：场景文件只含普通数据（数、文本、列表、映射），不含 YAML 标签",
    "true/false {value}": "布尔值 {value}",
    "the value {value}": "值 {value}",
    "YAML aliases (*name) are not allowed: write the value out": "不允许使用 YAML 别名（*name）：请把值完整写出",
    "not valid YAML: exceeded maximum nesting depth": "无效的 YAML：超过最大嵌套深度",
    "not valid YAML: expected a single document in the stream, found another":
        "无效的 YAML：应只有一个文档，却发现了另一个",
    "an alias": "别名",
    "a field name must be text, got {kind}": "字段名必须是文本，实际为 {kind}",
    "a field name must be text, got {scalar_kind}": "字段名必须是文本，实际为 {scalar_kind}",
    "'{key}' is given twice": "'{key}' 给了两次",
    "a number has more than 4,300 digits": "有一个数超过 4,300 位",
    "a value cannot be read": "有一个值无法读取",
    "not valid YAML for cnn-tui: {reason}": "cnn-tui 无法读取的 YAML：{reason}",
    "the file is empty (expected a scenario mapping with format, name, input, samples, layers, loss, learning_rate)":
        "文件是空的（应为含 format、name、input、samples、layers、loss、learning_rate 的场景映射）",
    "not valid YAML: {value}": "无效的 YAML：{value}",
    "not valid YAML: {problem}": "无效的 YAML：{problem}",
    "not valid YAML": "无效的 YAML",
    "not valid YAML: unacceptable character {what} ({reason})": "无效的 YAML：不可接受的字符 {what}（{reason}）",

    # reading files (catalog, read_file, npz)
    "no such file": "没有这个文件",
    "no such file, and no bundled scenario of that name (bundled: {names})":
        "没有这个文件，也没有同名的自带场景（自带：{names}）",
    "not a usable path ({value})": "无法使用的路径（{value}）",
    "not a usable path": "无法使用的路径",
    "cannot read the file: {value}": "无法读取文件：{value}",
    "unreadable": "不可读",
    "not a regular file": "不是普通文件",
    "this is {kind}, not {what}: cnn-tui reads regular files only": "这是{kind}，而不是{what}：cnn-tui 只读取普通文件",
    "a folder": "文件夹",
    "a named pipe (FIFO)": "命名管道（FIFO）",
    "a device": "设备",
    "a socket": "套接字",
    "an npz file": "npz 文件",
    "damaged or truncated (its zip data does not check out): save it again with numpy.savez":
        "已损坏或被截断（zip 数据校验失败）：请用 numpy.savez 重新保存",
    "whole numbers": "整数",
    "real numbers": "实数",
    "true/false values": "布尔值",
    "complex numbers": "复数",
    "time spans (timedelta64)": "时间间隔（timedelta64）",
    "dates (datetime64)": "日期（datetime64）",
    "text": "文本",
    "bytes": "字节",
    "records": "记录",
    "data": "数据",
    "a single array (.npy), not an npz file: save the samples with numpy.savez(path, x=..., y=...)":
        "这是单个数组（.npy），不是 npz 文件：请用 numpy.savez(path, x=..., y=...) 保存样本",
    "not an npz file, or a truncated one (expected one saved by numpy.savez with arrays x and y)":
        "不是 npz 文件，或已被截断（应为用 numpy.savez 保存、含数组 x 和 y 的文件）",
    "{name} is not a NumPy array (its .npy header cannot be read)": "{name} 不是 NumPy 数组（无法读取其 .npy 头）",
    "{name} holds Python objects (a pickle), which cnn-tui never loads: save numbers (float64 or int)":
        "{name} 含有 Python 对象（pickle），cnn-tui 从不加载：请保存数（float64 或 int）",
    "{name} holds {kind}, not real numbers (expected float or int arrays)":
        "{name} 含有{kind}，而不是实数（应为 float 或 int 数组）",
    "{name} has shape [{shape}]: {values} values; the limit is {limit}":
        "{name} 的形状是 [{shape}]：{values} 个值；上限是 {limit}",
    "{name} is truncated: its header promises {n} values but the data ends before":
        "{name} 被截断：头部声明有 {n} 个值，但数据提前结束",
    "{name} holds more data than its header says": "{name} 的数据比头部声明的多",
    "cannot be opened ({why})": "无法打开（{why}）",
    "it holds {members} members ({directory} bytes of zip directory); the limit is {limit} (an npz of "
    "samples holds x and y)":
        "它含有 {members} 个成员（zip 目录 {directory} 字节）；上限是 {limit}（样本的 npz 只含 x 和 y）",

    # size limits (core/scenario/budget.py)
    "a window of {size} elements ({height} × {width}) is over the limit of {limit}":
        "{size} 个元素的窗口（{height} × {width}）超过上限 {limit}",
    "the network has {layers} layers; the limit is {limit}": "网络有 {layers} 层；上限是 {limit}",
    "the windows of '{name}' need an index table of {entries} entries; the limit is {limit} "
    "(use a larger stride or a smaller window)":
        "'{name}' 的窗口需要 {entries} 项的索引表；上限是 {limit}（请用更大的步幅或更小的窗口）",
    "the layers' windows need index tables of {entries} entries in all; the limit is {limit}":
        "各层窗口的索引表共需 {entries} 项；上限是 {limit}",
    "the network has {parameters} parameters up to '{name}'; the limit is {limit}":
        "到 '{name}' 为止网络有 {parameters} 个参数；上限是 {limit}",
    "one iteration would keep {values} values (batch {batch} × {per_sample} per sample, and the "
    "parameters); the limit is {limit}":
        "一次迭代要保存 {values} 个值（批 {batch} × 每个样本 {per_sample} 个，加上参数）；上限是 {limit}",
    ", with {n} in the other samples": "，其他样本中另有 {n} 个",
    "{samples} samples × {per_sample} values (input and target) is {values} values{extra}; the limit is {limit}":
        "{samples} 个样本 × {per_sample} 个值（输入和目标）共 {values} 个值{extra}；上限是 {limit}",
    " with derivations": "（含推导时）",
    "one iteration of this scenario keeps {per_iteration} values; at most {limit} can be kept{what}: lower batch_size":
        "此场景的一次迭代要保存 {per_iteration} 个值；最多能保存 {limit} 个{what}：请减小 batch_size",
    "{iterations} iterations would keep {asked} values ({per_iteration} per iteration); the limit is {limit}{what}: "
    "ask for at most {most}":
        "{iterations} 次迭代要保存 {asked} 个值（每次迭代 {per_iteration} 个）；上限是 {limit}{what}："
        "最多只能要 {most} 次",

    # the network editor's design (core/scenario/draft.py)
    "the design": "设计",
    "a network needs at least one layer": "网络至少需要一层",
    "the layer is already at that end": "该层已在那一端",
    "unknown setting {name} (expected one of: {settings})": "未知的设置 {name}（可用：{settings}）",
    "{name}: a value is needed": "{name}：需要一个值",
    "{field}: expected one value, got {text}": "{field}：应为一个值，实际为 {text}",
    "{path}: expected a layer written as a file writes it, like {{name: fc, type: dense, units: 2, activation: relu}}":
        "{path}：应按文件中的写法给出一层，如 {{name: fc, type: dense, units: 2, activation: relu}}",
    "the samples were set to fit the network: inputs {shape} (zeros where they did not fit), {n} target values":
        "样本已按网络调整：输入 {shape}（不合的地方填 0），{n} 个目标值",

    # saving (save, targets, atomic, replacing, root)
    "the scenario's sample file": "场景的样本文件",
    "the scenario file": "场景文件",
    "left out {n} expected values: worked for earlier parameters, they would not match the saved ones":
        "省略了 {n} 个期望值：它们是按之前的参数算的，与保存的参数不符",
    "{field} written to {path}, because {first} already exists and was left as it is":
        "{field} 已写到 {path}，因为 {first} 已存在，未作改动",
    "the npz file for its {field} beside it, {path}: {reason}": "旁边存放其 {field} 的 npz 文件 {path}：{reason}",
    "{tries} files named {path} and the like already exist beside it: remove some, or choose another name":
        "旁边已有 {tries} 个名为 {path} 之类的文件：请删除一些，或换个名字",
    "the file as it would be saved does not load back (nothing was written): {reason}":
        "将要保存的文件无法重新加载（未写入任何内容）：{reason}",
    "a FIFO (named pipe)": "FIFO（命名管道）",
    "a character device": "字符设备",
    "a block device": "块设备",
    "a symbolic link that cannot be followed (it loops)": "无法跟随的符号链接（循环）",
    "the system refused": "系统拒绝",
    # core/os_reason.py: the system's reasons, which its own strerror says in English only
    "No such file or directory": "没有那个文件或目录",
    "Permission denied": "没有权限",
    "Operation not permitted": "不允许的操作",
    "No space left on device": "设备上没有空间",
    "Disk quota exceeded": "超出磁盘配额",
    "File too large": "文件过大",
    "Read-only file system": "只读文件系统",
    "Is a directory": "这是一个文件夹",
    "Not a directory": "不是文件夹",
    "File exists": "文件已存在",
    "Directory not empty": "文件夹不是空的",
    "Device or resource busy": "设备或资源忙",
    "Text file busy": "文本文件忙",
    "Input/output error": "输入/输出错误",
    "Too many levels of symbolic links": "符号链接的层数过多",
    "Too many open files": "打开的文件过多",
    "Too many open files in system": "系统中打开的文件过多",
    "Invalid cross-device link": "无效的跨设备链接",
    "Invalid argument": "无效的参数",
    "No such device or address": "没有那个设备或地址",
    "No locks available": "没有可用的锁",
    "Address already in use": "地址已在使用",
    "Cannot assign requested address": "无法指定请求的地址",
    "File name too long": "文件名太长",
    "no file name given: say which file to write": "没有给出文件名：请说明要写哪个文件",
    "a file name cannot contain a NUL character": "文件名不能含 NUL 字符",
    "this names a folder: give a file name": "这是文件夹的名字：请给出文件名",
    "no such home folder: check the name after ~": "没有这个主文件夹：请检查 ~ 后面的名字",
    "this leads to a file that has no name of its own (a deleted file or a process's open file): choose another name":
        "这指向一个没有自己名字的文件（已删除的文件或进程打开的文件）：请换个名字",
    "the file name is too long: {name} characters, at most {limit} here":
        "文件名太长：{name} 个字符，这里最多 {limit} 个",
    "the file name is too long: {name} bytes, at most {limit} here": "文件名太长：{name} 字节，这里最多 {limit} 字节",
    "a folder name in this path is too long ({n} characters)": "路径中有文件夹名太长（{n} 个字符）",
    "the path is too long: {n} characters, at most {most} here": "路径太长：{n} 个字符，这里最多 {most} 个",
    "the folder {path} does not exist": "文件夹 {path} 不存在",
    "part of this path is a file, not a folder": "路径中有一部分是文件，而不是文件夹",
    "no permission to open the folder {path}": "没有权限打开文件夹 {path}",
    "cannot use the folder {path}: {os_reason}": "无法使用文件夹 {path}：{os_reason}",
    "{path} is not a folder": "{path} 不是文件夹",
    "the folder {path} is read-only here: choose another folder": "文件夹 {path} 在这里是只读的：请换个文件夹",
    "cannot check the file: {os_reason}": "无法检查文件：{os_reason}",
    "this is {what} {name}: writing here would destroy it; choose another name":
        "这是{what} {name}：写在这里会毁掉它；请换个名字",
    "the file is read-only: it was left as it is; choose another name": "文件是只读的：未作改动；请换个名字",
    "this file has {names} names (hard links): replacing it would leave the others with the old content; "
    "choose another name":
        "此文件有 {names} 个名字（硬链接）：替换它会让其他名字仍是旧内容；请换个名字",
    "this is a folder: give a file name": "这是文件夹：请给出文件名",
    "this is {kind}, not a regular file: nothing was written to it": "这是{kind}，不是普通文件：没有写入任何内容",
    "this is not a regular file: nothing was written to it": "这不是普通文件：没有写入任何内容",
    "cannot write the file: {os_reason}; nothing was changed": "无法写入文件：{os_reason}；没有任何改动",
    "the file belongs to another user (uid {uid}) and replacing it would change its owner: it was left as it is; "
    "choose another name":
        "文件属于另一个用户（uid {uid}），替换它会改变所有者：未作改动；请换个名字",
    "this is no longer a regular file: nothing was written to it": "这已不再是普通文件：没有写入任何内容",
    "a file appeared here while saving: it was left as it is": "保存时这里出现了一个文件：未作改动",
    "this file exists and is not {what}: this command replaces only {what} ({join}); choose another name "
    "(nothing was written)":
        "此文件已存在且不是{what}：此命令只替换{what}（{join}）；请换个名字（没有写入任何内容）",
    "{path} is outside the folder this session may use ({folder})": "{path} 在本会话可用的文件夹（{folder}）之外",
    "{path} reads {file}, outside the folder this session may use ({folder})":
        "{path} 读取 {file}，它在本会话可用的文件夹（{folder}）之外",

    # the network (core/engine/network.py, quantity_shapes.py, scenario.py)
    "one": "1",
    "two": "2",
    "three": "3",
    "layer '{src}' cannot read its own output": "层 '{src}' 不能读取自己的输出",
    "layer '{name}' reads '{src}', which is listed after it: list the layers so that each reads only earlier ones":
        "层 '{name}' 读取排在它后面的 '{src}'：请调整层的顺序，让每层只读取前面的层",
    "there is no layer '{src}' to read (layers before '{name}': {choices})":
        "没有可读取的层 '{src}'（'{name}' 之前的层：{choices}）",
    "an {kind} layer reads {least} or more inputs, got {given}": "{kind} 层读取 {least} 个或更多输入，实际为 {given}",
    "a {kind} layer reads {least} or more inputs, got {given}": "{kind} 层读取 {least} 个或更多输入，实际为 {given}",
    "an {kind} layer reads {most} inputs, got {given} (layers that combine several: {combining})":
        "{kind} 层读取 {most} 个输入，实际为 {given}（可合并多个输入的层：{combining}）",
    "a {kind} layer reads {most} inputs, got {given} (layers that combine several: {combining})":
        "{kind} 层读取 {most} 个输入，实际为 {given}（可合并多个输入的层：{combining}）",
    "the input {shape}": "输入 {shape}",
    "layer '{name}'": "层 '{name}'",
    "activation {name}": "激活函数 {name}",
    "no activation (a {kind} layer)": "没有激活函数（{kind} 层）",
    "{loss} needs a {needs} last layer (its outputs are the probabilities it scores), but layer '{layer}' has {has}":
        "{loss} 需要最后一层用 {needs}（其输出就是它评分的概率），但层 '{layer}' 用的是{has}",
    "softmax is allowed on the last layer only": "softmax 只能用在最后一层",
    "the output of layer '{name}' is read by no layer: only the last layer feeds the loss, "
    "so name it in a later layer's inputs or remove it":
        "层 '{name}' 的输出没有被任何层读取：只有最后一层连到损失，请在后面某层的 inputs 中写上它，或删除它",
    "'{text}' is not a quantity name (expected LAYER.KIND[i,...], input[...], target[...] or loss)":
        "'{text}' 不是量名（应为 LAYER.KIND[i,...]、input[...]、target[...] 或 loss）",
    "'{text}': indices must be whole numbers ≥ 0, like [0,1]": "'{text}'：下标必须是 ≥ 0 的整数，如 [0,1]",
    "there is no layer '{layer}' (layers: {names})": "没有层 '{layer}'（现有的层：{names}）",
    "layer '{name}' ({kind}) has no '{asked}' (it has: {kinds})":
        "层 '{name}'（{kind}）没有 '{asked}'（它有：{kinds}）",
    "'{ref}' is an array of shape {shape}: name one value, like {array_name}[{zeros}]":
        "'{ref}' 是形状为 {shape} 的数组：请指定一个值，如 {array_name}[{zeros}]",
    "is a single number": "是单个数",
    "has shape {shape}": "的形状是 {shape}",
    "'{ref}' does not exist: {array_name} {what}": "'{ref}' 不存在：{array_name} {what}",
    "an id cannot be empty": "编号不能为空",
    "an id has at most {most} characters (this one has {n:,})": "编号最多 {most} 个字符（这个有 {n:,} 个）",
    "an id becomes a file name: use letters, digits, '_', '.' and '-' only, starting with a letter or digit "
    "(no spaces, slashes or other characters)":
        "编号会成为文件名：只能用字母、数字、'_'、'.' 和 '-'，以字母或数字开头（不能有空格、斜杠或其他字符）",
    "'{id}' cannot be an id: it would clash with the teacher's files": "'{id}' 不能作编号：会与教师的文件冲突",

    # stepping, editing (core/engine/stepper.py)
    "forward {step}/{total}: {layer}": "正向 {step}/{total}：{layer}",
    "backward {step}/{total}: {layer}": "反向 {step}/{total}：{layer}",
    "update": "更新",
    "updated": "已更新",
    "the next iteration's forward pass": "下一次迭代的正向传播",
    "{ref} is not computed yet (phase: {describe})": "{ref} 还没有算出（阶段：{describe}）",
    "{key} is not computed yet (next step: {next_words})": "{key} 还没有算出（下一步：{next_words}）",
    "the step into the next iteration": "进入下一次迭代",
    "the forward pass is complete (next: {next_words})": "正向传播已完成（下一步：{next_words}）",
    "forward {layer}": "正向 {layer}",
    "whole forward pass": "整个正向传播",
    "forward pass": "正向传播",
    "the backward pass starts from the loss: finish the forward pass first (next: {next_words})":
        "反向传播从损失开始：请先完成正向传播（下一步：{next_words}）",
    "the backward pass is complete (next: {next_words})": "反向传播已完成（下一步：{next_words}）",
    "backward {layer}": "反向 {layer}",
    "whole backward pass": "整个反向传播",
    "backward pass": "反向传播",
    "the gradients are not computed yet: finish the forward and backward passes":
        "梯度还没有算出：请完成正向和反向传播",
    "the gradients are not all computed yet: finish the backward pass": "梯度还没有全部算出：请完成反向传播",
    "this iteration is already updated: the next one starts with a forward step":
        "本次迭代已更新：下一次从正向一步开始",
    "cannot update: {why} (next: {next_words})": "无法更新：{why}（下一步：{next_words}）",
    "whole iteration": "整次迭代",
    "iteration {n}": "第 {n} 次迭代",
    "the iteration is not updated yet": "本次迭代还没有更新",
    "nothing to undo": "没有可撤销的操作",
    "reset": "重置",
    "{value!r} is not a finite number": "{value!r} 不是有限数",
    "only weights, biases, inputs, targets, dropout masks and the optimizer state an update starts from can be edited":
        "只能编辑权重、偏置、输入、目标、dropout 掩码，以及更新开始时的优化器状态",
    "{array_name} is computed, not given: {editable_words}": "{array_name} 是算出来的，不是给定的：{editable_words}",
    "edit {name}": "编辑 {name}",
    "cleared the forward values from '{layer}' on, the backward pass and the update":
        "已清除从 '{layer}' 起的正向值、反向传播和更新",
    "cleared the forward pass from '{layer}' on, the backward pass and the update":
        "已清除从 '{layer}' 起的正向传播、反向传播和更新",
    ", … ({n} more)": "，…（还有 {n} 个）",
    "cleared the forward values of '{layer}' and of the layers that depend on it ({names}), "
    "the backward pass and the update":
        "已清除 '{layer}' 及依赖它的层（{names}）的正向值、反向传播和更新",
    "cleared the whole forward pass, the backward pass and the update": "已清除整个正向传播、反向传播和更新",
    "cleared the loss, the backward pass and the update": "已清除损失、反向传播和更新",
    "the {title} has not started yet: the first update sets it from the gradient, as torch does; "
    "edit it once an update has run, or give it in the file":
        "{title}还没有开始：第一次更新会像 torch 一样由梯度设定它；请在更新运行过一次后再编辑，或在文件中给出",
    "{name} cannot be edited now": "{name} 现在不能编辑",
    "cleared the update, which starts from it": "已清除以它为起点的更新",
    "the update starts from it": "更新将以它为起点",
    "there is no sample {value} (the scenario has {count}: 1 to {count})":
        "没有样本 {value}（场景共有 {count} 个：1 到 {count}）",
    "samples {numbers}": "样本 {numbers}",
    "cleared this iteration's forward pass, backward pass and update": "已清除本次迭代的正向传播、反向传播和更新",
    "learning_rate: expected a number > 0, got {rate}": "learning_rate：应为 > 0 的数，实际为 {rate}",
    "cleared the update": "已清除更新",
    "the update will use it": "更新将使用它",
    "my answer for {name}": "我对 {name} 的答案",
    "hand-rounding on": "手算舍入开",
    "hand-rounding off": "手算舍入关",
    "hand-rounding off: exact values": "手算舍入关：使用精确值",
    "every value, the starting weights too, is rounded to {n} decimals before it is used "
    "(one of at most {small} keeps 3 significant digits)":
        "每个值（包括初始权重）在使用前都舍入到 {n} 位小数（绝对值不超过 {small} 的值保留 3 位有效数字）",
    "hand-rounding on: {words}": "手算舍入开：{words}",
    "a {name} target must lie in 0…1, got {value:g}": "{name} 的目标必须在 0…1 之内，实际为 {value:g}",

    # training (core/engine/training.py)
    "the loss became NaN (not a number)": "损失变成了 NaN（非数）",
    "the loss overflowed to ∞": "损失溢出为 ∞",
    "the loss reached {loss}, past {limit}": "损失达到 {loss}，超过 {limit}",
    "a parameter overflowed to ∞ or NaN in the update (the loss was {loss})":
        "更新中有参数溢出为 ∞ 或 NaN（当时损失为 {loss}）",
    "a parameter grew past 1e154 in the update (the loss was {loss})": "更新中有参数超过 1e154（当时损失为 {loss}）",
    "training diverged in epoch {epoch} at iteration {iteration}: {what}; try a smaller learning_rate than {rate} "
    "(e.g. {smaller})":
        "训练在第 {epoch} 轮第 {iteration} 次迭代发散：{what}；请试试比 {rate} 更小的 learning_rate（例如 {smaller}）",

    # the recovery journal (core/engine/journal.py)
    "not a record of this program: {name!r}": "不是本程序的记录：{name!r}",
    "no such record in this version: {name!r}": "此版本中没有这种记录：{name!r}",
    "'{label}' cannot be replayed": "'{label}' 无法重放",
    "unknown journal entry {op!r}": "未知的日志条目 {op!r}",
    "the stored parameters do not fit this network": "保存的参数与此网络不符",
    "cannot read the journal ({value})": "无法读取日志（{value}）",
    "not a cnn-tui journal (or from another version)": "不是 cnn-tui 的日志（或来自其他版本）",
    "cannot create a recovery journal in {folder} ({value})": "无法在 {folder} 中创建恢复日志（{value}）",
    "not writable": "不可写",
    "cannot lock a recovery journal in {folder} ({value})": "无法在 {folder} 中锁定恢复日志（{value}）",
    "no locks here": "这里不支持加锁",
    "cannot write the recovery journal ({value})": "无法写入恢复日志（{value}）",
    "truncate failed": "截断失败",
    "a value it cannot store": "有无法保存的值",
    "cannot write the recovery journal ({why})": "无法写入恢复日志（{why}）",
}
