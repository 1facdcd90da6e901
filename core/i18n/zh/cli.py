"""Chinese for the cli area's messages (see core/i18n/zh/__init__.py for the shared terms).

The command (tui/cli.py, its --help and argparse's own words in tui/parsing.py), the progress
bar, serve, and the errors of core: numbers, text, scenario files, the engine's steps and edits.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --lang
    "--lang takes en or zh, not {value}": "--lang 只接受 en 或 zh，而不是 {value}",
    "--lang needs a language: en or zh": "--lang 需要一种语言：en 或 zh",

    # cnn-tui --help (the command syntax stays as it is)
    """\
cnn-tui [PATH|NAME] [--root DIR]         open the TUI (default: tiny-cnn); --root: open and save only in DIR
       cnn-tui new                              design a network in the TUI, from a blank one
       cnn-tui scenarios                        list the bundled scenarios
       cnn-tui check PATH|NAME                  validate a scenario file
       cnn-tui solve PATH|NAME [--iterations N] [--format text|markdown|json] [--hand-rounding]
       cnn-tui train PATH|NAME [--epochs N] [--save PATH]
       cnn-tui export PATH|NAME --to markdown|latex|pytorch [-o FILE] [--hand-rounding]
       cnn-tui exercise PATH|NAME (--count N | --students ROSTER.csv) [--seed S] [--ask SCOPE] -o DIR
       cnn-tui grade DIR/key.yaml SUBMISSION... [--json] [--csv FILE] [--report FILE.md] [--feedback DIR] [--tui]
       cnn-tui serve [PATH|NAME] [--host 127.0.0.1] [--port 8000] [--root DIR]   the TUI in browsers
       cnn-tui ... --lang en|zh                 any command in English or Simplified Chinese (default: the locale)
""": """\
cnn-tui [PATH|NAME] [--root DIR]         打开 TUI（默认 tiny-cnn）；--root：只在 DIR 中打开和保存
      cnn-tui new                              在 TUI 中从空白网络开始设计
      cnn-tui scenarios                        列出自带的场景
      cnn-tui check PATH|NAME                  检查场景文件
      cnn-tui solve PATH|NAME [--iterations N] [--format text|markdown|json] [--hand-rounding]
      cnn-tui train PATH|NAME [--epochs N] [--save PATH]
      cnn-tui export PATH|NAME --to markdown|latex|pytorch [-o FILE] [--hand-rounding]
      cnn-tui exercise PATH|NAME (--count N | --students ROSTER.csv) [--seed S] [--ask SCOPE] -o DIR
      cnn-tui grade DIR/key.yaml SUBMISSION... [--json] [--csv FILE] [--report FILE.md] [--feedback DIR] [--tui]
      cnn-tui serve [PATH|NAME] [--host 127.0.0.1] [--port 8000] [--root DIR]   在浏览器中使用 TUI
      cnn-tui ... --lang en|zh                 任一命令以英文或简体中文显示（默认随系统区域设置）
""",
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
    "epochs to train (1 to {most:,}; default 10)": "训练的轮数（1 到 {most:,}；默认 10）",
    "save the trained scenario here": "把训练后的场景保存到这里",
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
    "expected a port number, got {value}": "需要端口号，而不是 {value}",
    "expected a port from 1 to 65535, got {value}": "需要 1 到 65535 之间的端口，而不是 {value}",
    "expected a whole number, got {value}": "需要整数，而不是 {value}",
    "expected a whole number from 0 to 2^63 − 1, got {value}": "需要 0 到 2^63 − 1 之间的整数，而不是 {value}",
    "expected a whole number from 1 to {most:,}, got {value}": "需要 1 到 {most:,} 之间的整数，而不是 {value}",
    "unexpected arguments: {arguments}": "多余的参数：{arguments}",
    "interrupted": "已中断",

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
}
