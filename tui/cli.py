"""The ``cnn-tui`` command: the TUI, or a headless command (contract §5).

Headless commands (scenarios, check, solve, train) import only the engine, never
Textual, so they start fast and run where no terminal UI can.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.errors import CnnTuiError, SaveError
from core.text import quote, visible

if TYPE_CHECKING:
    from core.engine.training import Trainer
    from core.scenario.budget import SolveTooLarge

MAX_COUNT = 1_000_000  # iterations or epochs a command may be asked for
COMMANDS = ("scenarios", "check", "solve", "train", "export")

USAGE = """\
cnn-tui [PATH|NAME]                      open the TUI (default: tiny-cnn)
       cnn-tui scenarios                        list the bundled scenarios
       cnn-tui check PATH|NAME                  validate a scenario file
       cnn-tui solve PATH|NAME [--iterations N] [--format text|markdown|json] [--hand-rounding]
       cnn-tui train PATH|NAME [--epochs N] [--save PATH]
       cnn-tui export PATH|NAME --to markdown|latex|pytorch [-o FILE] [--hand-rounding]
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cnn-tui", usage=USAGE,
                                     description="Step through backpropagation one number at a time.")
    sub = parser.add_subparsers(dest="command", prog="cnn-tui")
    sub.add_parser("scenarios", help="list the bundled scenarios")
    check = sub.add_parser("check", help="validate a scenario file")
    check.add_argument("scenario", metavar="PATH|NAME")
    solve = sub.add_parser("solve", help="print every value with its derivation")
    solve.add_argument("scenario", metavar="PATH|NAME")
    solve.add_argument("--iterations", type=_positive, default=1, metavar="N",
                       help=f"iterations to run (1 to {MAX_COUNT:,}; default 1)")
    solve.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    solve.add_argument("--hand-rounding", action="store_true",
                       help="round every value to the display decimals before it is used")
    train = sub.add_parser("train", help="train headless with a progress bar")
    train.add_argument("scenario", metavar="PATH|NAME")
    train.add_argument("--epochs", type=_positive, default=None, metavar="N",
                       help=f"epochs to train (1 to {MAX_COUNT:,}; default 10)")
    train.add_argument("--save", metavar="PATH", help="save the trained scenario here")
    export = sub.add_parser("export", help="export iteration 1's derivation or a PyTorch script")
    export.add_argument("scenario", metavar="PATH|NAME")
    export.add_argument("--to", required=True, choices=("markdown", "latex", "pytorch"))
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    export.add_argument("--hand-rounding", action="store_true",
                        help="round every value to the display decimals before it is used")
    return parser


def _positive(text: str) -> int:
    from core.numbers import parse_count

    try:
        value = parse_count(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    if not 1 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_COUNT:,}, got {quote(text)}")
    return value


def cmd_scenarios(_: argparse.Namespace) -> int:
    from core.scenario.catalog import bundled_titles

    rows = bundled_titles()
    width = max(len(name) for name, _ in rows)
    for name, title in rows:
        print(f"{name:<{width}}  {visible(title)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from core.scenario.catalog import load

    scenario = load(args.scenario)
    net = scenario.network
    layers = len(net.layers)
    print(f"{visible(args.scenario)}: ok — {visible(scenario.name)}: {layers} layer{'s' if layers != 1 else ''}, "
          f"{net.parameter_count} parameters, {len(scenario.samples)} sample"
          f"{'s' if len(scenario.samples) != 1 else ''}")
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from core.exports.report import render_text, solve, to_json
    from core.scenario.budget import SolveTooLarge
    from core.scenario.catalog import load

    scenario = load(args.scenario)
    rounding = scenario.decimals if args.hand_rounding else None
    try:
        if args.format == "json":
            print(to_json(scenario, solve(scenario, args.iterations, hand_rounding=rounding)))
        else:
            records = solve(scenario, args.iterations, explained=True, hand_rounding=rounding)
            sys.stdout.write(render_text(scenario, records, markdown=args.format == "markdown",
                                         hand_rounding=rounding))
    except SolveTooLarge as err:
        raise CnnTuiError(solve_refusal(err)) from None
    return 0


def solve_refusal(err: SolveTooLarge) -> str:
    """The solve budget's refusal in this command's terms (its options, and train instead)."""
    what = " with derivations (text and markdown)" if err.explained else ""
    if err.one_too_many:
        return (f"one iteration of this scenario keeps {err.per_iteration:,} values; solve can keep at most "
                f"{err.limit:,}{what}: lower batch_size, or use train")
    return (f"--iterations {err.iterations:,} would keep {err.asked:,} values ({err.per_iteration:,} per "
            f"iteration); the limit is {err.limit:,}{what}: ask for at most {err.most:,}")


def cmd_train(args: argparse.Namespace) -> int:
    from core.engine.training import Trainer
    from core.errors import TrainingDiverged
    from core.scenario.catalog import load
    from core.scenario.replacing import refuse_unless_scenario
    from core.scenario.save import plan_save, write_scenario

    scenario = load(args.scenario)
    if args.save is not None:
        try:  # every target problem is told before training, not after it
            refuse_unless_scenario(plan_save(scenario, args.save).target)
        except SaveError as err:
            raise SaveError(f"{err.reason} (checked before training)", file=err.file) from None
    trainer = Trainer(scenario)
    try:
        _train_epochs(trainer, args.epochs or 10)
    except TrainingDiverged as err:  # stops at once: nothing after it is run or saved
        raise CnnTuiError(f"{err}; nothing saved" if args.save is not None else str(err)) from None
    if args.save is not None:
        trained = scenario.copy()
        trained.params = trainer.params
        trained.optimizer_state = trainer.optimizer_state
        # the expected values were worked for the parameters before training: they do not go
        # beside the trained ones (the save says so)
        trained.expected, trained.expected_left_out = {}, len(scenario.expected)
        saved = write_scenario(trained, args.save)
        print(f"saved the trained scenario to {visible(str(saved.path))}")
        for note in saved.notes:
            print(f"  {note}")
    return 0


def _train_epochs(trainer: Trainer, epochs: int) -> None:
    """Train ``epochs`` epochs, a progress bar on standard error and one line per epoch."""
    from core.numbers import fmt
    from tui.progress import ProgressBar

    bar = ProgressBar(epochs * trainer.iterations_per_epoch)
    try:
        for epoch in range(1, epochs + 1):
            bar.suffix = f"  epoch {epoch}/{epochs}"
            before = (epoch - 1) * trainer.iterations_per_epoch  # the earlier epochs' iterations

            def progress(done: int, total: int, before: int = before) -> None:
                bar.update(before + done)

            stats = trainer.run_epochs(1, progress=progress)[0]
            bar.clear()
            line = f"epoch {epoch}/{epochs}  loss {fmt(stats.loss, 4)}"
            if stats.accuracy is not None:
                line += f"  accuracy {100 * stats.accuracy:.1f}%"
            if stats.test_accuracy is not None:
                line += f"  held-out accuracy {100 * stats.test_accuracy:.1f}%"
            print(line, flush=True)
    except BaseException:
        bar.drop()  # the message that follows starts on a clean line
        raise


def cmd_export(args: argparse.Namespace) -> int:
    from core.engine.stepper import Stepper
    from core.exports.formats import SUFFIXES, export_text, write_atomically
    from core.scenario.catalog import load
    from core.scenario.replacing import refuse_unless_suffix
    from core.scenario.save import source_files
    from core.scenario.targets import check_target

    scenario = load(args.scenario)
    if args.output is not None:
        try:  # before the work, not after it
            refuse_unless_suffix(check_target(args.output, reads=source_files(scenario)), SUFFIXES[args.to])
        except SaveError as err:
            raise SaveError(f"{err.reason} (checked before exporting)", file=err.file) from None
    stepper = Stepper(scenario)
    if args.hand_rounding:
        stepper.set_hand_rounding(scenario.decimals)
    stepper.run_iteration()
    text = export_text(stepper, args.to)
    if args.output is not None:
        path = write_atomically(args.output, text, reads=source_files(scenario))
        print(f"wrote {visible(str(path))}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_tui(target: str | None) -> int:
    from core.scenario.catalog import load

    scenario = load(target or "tiny-cnn")  # a broken file fails here, before the screen opens
    from tui.app import CnnTuiApp

    app = CnnTuiApp(scenario)
    app.run()
    return app.return_code or 0


HANDLERS = {"scenarios": cmd_scenarios, "check": cmd_check, "solve": cmd_solve, "train": cmd_train,
            "export": cmd_export}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    import numpy as np

    np.seterr(all="ignore")  # a diverging run shows ∞/NaN in its values, not NumPy warnings
    try:
        if argv and argv[0] in COMMANDS:
            args = _parser().parse_args(argv)
            return HANDLERS[args.command](args)
        if argv and argv[0] in ("-h", "--help"):
            print("usage: " + USAGE, end="")
            return 0
        if len(argv) > 1 or (argv and argv[0].startswith("-")):
            print("usage: " + USAGE, end="", file=sys.stderr)
            print(f"cnn-tui: unexpected arguments: {quote(' '.join(argv))}", file=sys.stderr)
            return 2
        return run_tui(argv[0] if argv else None)
    except CnnTuiError as err:
        print(f"cnn-tui: {visible(str(err))}", file=sys.stderr)  # a file's text never acts on the terminal
        return 1
    except KeyboardInterrupt:
        print("\ncnn-tui: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def entry_point() -> None:
    """Console-script entry: exit with main()'s status."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
