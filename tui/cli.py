"""The ``cnn-tui`` command: the TUI, or a headless command (contract §5).

Headless commands (scenarios, check, solve, train) import only the engine, never
Textual, so they start fast and run where no terminal UI can.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from core.ascii_text import SpelledStream, set_ascii
from core.errors import CnnTuiError, SaveError, UsageError
from core.i18n import Language, language_from_environment, mark, parse_language, set_language, tr, tr_n
from core.text import cells, quote, visible

if TYPE_CHECKING:  # argparse and the parser are imported when a command line is parsed (not for the TUI)
    import argparse

    from core.engine.scenario import Scenario
    from core.engine.training import Trainer
    from core.scenario.budget import SolveTooLarge
    from core.teacher.key import Key

MAX_COUNT = 1_000_000  # iterations or epochs a command may be asked for
COMMANDS = ("scenarios", "check", "solve", "train", "export", "exercise", "grade", "serve")

# the usage: each form's syntax (never translated) and what it does (said in the interface's language)
USAGE_FORMS: tuple[tuple[str, str], ...] = (
    ("cnn-tui [PATH|NAME] [--root DIR]", mark("open the TUI (default: tiny-cnn); --root: open and save only in DIR")),
    ("cnn-tui new", mark("design a network in the TUI, from a blank one")),
    ("cnn-tui scenarios", mark("list the bundled scenarios")),
    ("cnn-tui check PATH|NAME", mark("validate a scenario file")),
    ("cnn-tui solve PATH|NAME [--iterations N] [--format text|markdown|json] [--hand-rounding]", ""),
    ("cnn-tui train PATH|NAME [--epochs N] [--save PATH] [--processes N]", ""),
    ("cnn-tui export PATH|NAME --to markdown|latex|pytorch [-o FILE] [--hand-rounding]", ""),
    ("cnn-tui exercise PATH|NAME (--count N | --students ROSTER.csv) [--seed S] [--ask SCOPE] -o DIR", ""),
    ("cnn-tui grade DIR/key.yaml SUBMISSION... [--json] [--csv FILE] [--report FILE.md] [--feedback DIR] [--tui]", ""),
    ("cnn-tui serve [PATH|NAME] [--host 127.0.0.1] [--port 8000] [--root DIR]", mark("the TUI in browsers")),
    ("cnn-tui ... --lang en|zh", mark("any command in English or Simplified Chinese (default: the locale)")),
    ("cnn-tui ... --ascii", mark("ASCII only, for terminals that draw δ, ·, → two cells wide")),
)
SYNTAX_WIDTH = 41  # the column where what a form does starts


def usage_text() -> str:
    """The usage forms as ``--help`` prints them after ``usage: ``: what each does in one column,
    the later forms under the first (Chinese's 用法： is a cell narrower than usage:)."""
    indent = " " * cells(tr("usage: "))
    lines = []
    for i, (syntax, what) in enumerate(USAGE_FORMS):
        if not what:
            line = syntax
        elif len(syntax) < SYNTAX_WIDTH:
            line = syntax.ljust(SYNTAX_WIDTH) + tr(what)
        else:
            line = syntax + "   " + tr(what)
        lines.append(line if i == 0 else indent + line)
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    from tui.parsing import Parser

    parser = Parser(prog="cnn-tui", usage=usage_text(),
                    description=tr("Step through backpropagation one number at a time."))
    sub = parser.add_subparsers(dest="command", prog="cnn-tui")
    # whether a command's standard output is for another program (JSON, Markdown, an export):
    # written as it is, even with --ascii; what a person reads is spelled (see _spelled_main)
    parser.set_defaults(for_machines=lambda args: False)
    sub.add_parser("scenarios", help=tr("list the bundled scenarios"))
    check = sub.add_parser("check", help=tr("validate a scenario file"))
    check.add_argument("scenario", metavar="PATH|NAME")
    solve = sub.add_parser("solve", help=tr("print every value with its derivation"))
    solve.add_argument("scenario", metavar="PATH|NAME")
    solve.add_argument("--iterations", type=_positive, default=1, metavar="N",
                       help=tr("iterations to run (1 to {most:,}; default 1)", most=MAX_COUNT))
    solve.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    solve.add_argument("--hand-rounding", action="store_true",
                       help=tr("round every value to the display decimals before it is used"))
    solve.set_defaults(for_machines=lambda args: args.format in ("json", "markdown"))
    train = sub.add_parser("train", help=tr("train headless with a progress bar"),
                           description=tr("Train headless with a progress bar. Each epoch's line gives the mean loss "
                                          "and the accuracy of its own iterations (each counted in its forward pass, "
                                          "before its update) and, with test_samples, the held-out accuracy "
                                          "evaluated after the epoch."))
    train.add_argument("scenario", metavar="PATH|NAME")
    train.add_argument("--epochs", type=_positive, default=None, metavar="N",
                       help=tr("epochs to train (1 to {most:,}; default 10)", most=MAX_COUNT))
    train.add_argument("--save", metavar="PATH", help=tr("save the trained scenario here"))
    train.add_argument("--processes", type=int, choices=(1, 2), default=None, metavar="N",
                       help=tr("1: each batch in one pass, as the TUI trains; 2: each batch of two samples or more, "
                               "an even number, split into two halves, on two CPUs if there are two (the last digits "
                               "can differ from 1's, but not with the number of CPUs); default: 2 where that is "
                               "faster here, else 1"))
    export = sub.add_parser("export", help=tr("export iteration 1's derivation or a PyTorch script"))
    export.add_argument("scenario", metavar="PATH|NAME")
    export.add_argument("--to", required=True, choices=("markdown", "latex", "pytorch"))
    export.add_argument("-o", "--output", metavar="FILE", help=tr("write here (default: standard output)"))
    export.add_argument("--hand-rounding", action="store_true",
                        help=tr("round every value to the display decimals before it is used"))
    export.set_defaults(for_machines=lambda args: True)
    exercise = sub.add_parser("exercise", help=tr("a variant and a worksheet per student, and the teacher's key"))
    exercise.add_argument("scenario", metavar="PATH|NAME")
    who = exercise.add_mutually_exclusive_group(required=True)
    who.add_argument("--count", type=_positive, metavar="N", help=tr("students s01 … sNN"))
    who.add_argument("--students", metavar="ROSTER.csv", help=tr("a CSV with a column 'id'"))
    exercise.add_argument("--seed", type=_seed, default=0, metavar="S", help=tr("variants are drawn from S and the id"))
    exercise.add_argument("--ask", default="all", metavar="SCOPE",
                          help=tr("values to work out: a stage (forward, deltas, gradients, updates, all), a layer, "
                                  "a kind, LAYER:STAGE, LAYER.KIND or names, separated by commas (default: all)"))
    exercise.add_argument("--tolerance", default="", metavar="RULE",
                          help=tr("decimals=D (default: the scenario's display decimals), significant=S or relative=R"))
    exercise.add_argument("--reveal", choices=("after", "never", "always"), default="after",
                          help=tr("after: feedback shows the right values; never: it names slips only; "
                                  "always: practice, the TUI shows ✓/✗"))
    exercise.add_argument("-o", "--output", required=True, metavar="DIR", help=tr("the folder to write into"))
    exercise.add_argument("--replace", action="store_true", help=tr("replace this exercise's files in a non-empty DIR"))
    grade = sub.add_parser("grade", help=tr("grade submitted student files against the key"))
    grade.add_argument("key", metavar="DIR/key.yaml")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    grade.add_argument("--json", action="store_true", help=tr("print the results as JSON"))
    grade.set_defaults(for_machines=lambda args: args.json)
    grade.add_argument("--csv", metavar="FILE", help=tr("write a gradebook CSV"))
    grade.add_argument("--report", metavar="FILE.md", help=tr("write the class report (Markdown)"))
    grade.add_argument("--feedback", metavar="DIR", help=tr("write each student's feedback to DIR/ID.md"))
    grade.add_argument("--tui", action="store_true", help=tr("browse the students and their answers"))
    serve = sub.add_parser("serve", help=tr("serve the TUI to browsers, one session per tab (the serve extra)"))
    serve.add_argument("scenario", metavar="PATH|NAME", nargs="?", help=tr("the scenario every tab opens (tiny-cnn)"))
    serve.add_argument("--host", default="127.0.0.1",
                       help=tr("the address to listen on (default: 127.0.0.1, this machine only)"))
    serve.add_argument("--port", type=_port, default=8000, help=tr("the port (default: 8000)"))
    serve.add_argument("--root", metavar="DIR", help=tr("open and save only inside DIR (default: this folder)"))
    return parser


def _tui_parser() -> argparse.ArgumentParser:
    """The TUI's own form: ``cnn-tui [PATH|NAME] [--root DIR]``."""
    from tui.parsing import Parser

    parser = Parser(prog="cnn-tui", usage=usage_text(), add_help=False)
    parser.add_argument("scenario", metavar="PATH|NAME", nargs="?")
    parser.add_argument("--root", metavar="DIR")
    return parser


def _refused(message: str) -> Exception:
    """argparse's error for a value a type function refuses (they run as argparse parses)."""
    import argparse

    return argparse.ArgumentTypeError(message)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _refused(tr("expected a port number, got {value}", value=quote(text))) from None
    if not 1 <= value <= 65535:
        raise _refused(tr("expected a port from 1 to 65535, got {value}", value=quote(text)))
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _refused(tr("expected a whole number, got {value}", value=quote(text))) from None
    if not 0 <= value < 2**63:
        raise _refused(tr("expected a whole number from 0 to 2^63 − 1, got {value}", value=quote(text)))
    return value


def _positive(text: str) -> int:
    from core.numbers import parse_count

    try:
        value = parse_count(text)
    except ValueError as err:
        raise _refused(str(err)) from None
    if not 1 <= value <= MAX_COUNT:
        raise _refused(tr("expected a whole number from 1 to {most:,}, got {value}", most=MAX_COUNT,
                          value=quote(text)))
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
    print(tr("{file}: ok — {name}: {layers}, {parameters}, {samples}", file=visible(args.scenario),
             name=visible(scenario.name), layers=tr_n("{n} layer", "{n} layers", layers),
             parameters=tr("{n} parameters", n=net.parameter_count),
             samples=tr_n("{n} sample", "{n} samples", len(scenario.samples))))
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from core.exports.report import solve, stream_text, to_json
    from core.scenario.budget import SolveTooLarge
    from core.scenario.catalog import load

    scenario = load(args.scenario)
    rounding = scenario.decimals if args.hand_rounding else None
    try:
        if args.format == "json":
            print(to_json(scenario, solve(scenario, args.iterations, hand_rounding=rounding)))
        else:
            # written as it is made: one iteration is held at a time, whatever the count
            sys.stdout.writelines(stream_text(scenario, args.iterations, markdown=args.format == "markdown",
                                              hand_rounding=rounding))
    except SolveTooLarge as err:
        raise CnnTuiError(solve_refusal(err)) from None
    return 0


def solve_refusal(err: SolveTooLarge) -> str:
    """The solve budget's refusal in this command's terms (its options, and train instead)."""
    what = tr(" with derivations (text and markdown)") if err.explained else ""
    if err.one_too_many:
        return tr("one iteration of this scenario keeps {per_iteration:,} values; solve can keep at most "
                  "{limit:,}{what}: lower batch_size, or use train",
                  per_iteration=err.per_iteration, limit=err.limit, what=what)
    return tr("--iterations {iterations:,} would keep {asked:,} values ({per_iteration:,} per "
              "iteration); the limit is {limit:,}{what}: ask for at most {most:,}",
              iterations=err.iterations, asked=err.asked, per_iteration=err.per_iteration, limit=err.limit,
              what=what, most=err.most)


def cmd_train(args: argparse.Namespace) -> int:
    from core.engine.training import Trainer
    from core.errors import TrainingDiverged
    from core.scenario.catalog import load

    scenario = load(args.scenario)
    if args.save is not None:  # (saving's modules are imported only for a save)
        from core.scenario.replacing import refuse_unless_scenario
        from core.scenario.save import plan_save

        try:  # every target problem is told before training, not after it
            refuse_unless_scenario(plan_save(scenario, args.save).target)
        except SaveError as err:
            raise SaveError(tr("{reason} (checked before training)", reason=err.reason), file=err.file) from None
    trainer = Trainer(scenario, halves=_halves(scenario, args.processes))
    # what the imports and the loading built lives to the end: the collector's full passes,
    # which a tiny network's iterations set off every few hundred of them, stop walking it
    # (about 4 µs an iteration for tiny-cnn); what training makes is collected as ever, and
    # the rest goes back to the collector afterwards (a caller in the same process loses nothing)
    import gc

    gc.freeze()
    try:
        with trainer.two_processes():
            _train_epochs(trainer, args.epochs or 10)
    except TrainingDiverged as err:  # stops at once: nothing after it is run or saved
        raise CnnTuiError(tr("{error}; nothing saved", error=str(err)) if args.save is not None else str(err)) from None
    finally:
        gc.unfreeze()
    if args.save is not None:
        from core.scenario.save import write_scenario

        trained = scenario.copy()
        trained.params = trainer.params
        trained.optimizer_state = trainer.optimizer_state
        trained.layer_state = trainer.layer_state  # running statistics: training resumes exactly
        # the expected values were worked for the parameters before training: they do not go
        # beside the trained ones (the save says so)
        trained.expected, trained.expected_left_out = {}, len(scenario.expected)
        saved = write_scenario(trained, args.save)
        print(tr("saved the trained scenario to {path}", path=visible(str(saved.path))))
        for note in saved.notes:
            print(f"  {note}")
    return 0


def _halves(scenario: Scenario, processes: int | None) -> bool:
    """Whether ``train`` works each batch in two halves: ``--processes 2``, or by default
    where they pay and a second process can run them (core/engine/batch_halves.py)."""
    if processes is not None:
        return processes == 2
    from core.engine.batch_halves import halves_pay
    from core.engine.process_pair import two_processes_possible

    return halves_pay(scenario.network, scenario.batch_size) and two_processes_possible()


def _train_epochs(trainer: Trainer, epochs: int) -> None:
    """Train ``epochs`` epochs, a progress bar on standard error and one line per epoch.

    Into a pipe or a file each epoch's stats are kept as they come and written as lines at
    most 10 times a second and at the end, their losses formatted all at once (a line a
    write, a flush, or a loss's ``fmt`` cost more than a share of a tiny network's
    iteration); a terminal gets each line as it is printed (line buffering)."""
    import time

    import numpy as np

    from core.engine.training import EpochStats
    from core.numbers import fmt_array
    from tui.progress import ProgressBar

    bar = ProgressBar(epochs * trainer.iterations_per_epoch)
    out = sys.stdout
    flush_every = ProgressBar.EVERY
    next_flush = time.monotonic() + flush_every

    # the accuracies' texts by value: an epoch of a few samples has few accuracies, and the
    # same text is not made again for each (bounded: cleared when it holds many)
    accuracy_texts: dict[tuple[float | None, float | None], str] = {}
    live = bar.live
    monotonic = time.monotonic
    # the epoch line with this run's epoch count written in once: what ``tr`` gives with these
    # values, the epoch, the loss and the accuracies filled in per line by str.format (the
    # count is a number: it brings no braces)
    line_of = (tr("epoch {epoch}/{epochs}  loss {loss}", epoch="{0}", epochs=epochs, loss="{1}") + "{2}\n").format
    pending: list[EpochStats] = []  # epochs whose lines are not written yet
    keep = pending.append

    def accuracy_text(stats: EpochStats) -> str:
        """The line's accuracies: "" for none, else made once per pair of values (bounded)."""
        key = (stats.accuracy, stats.test_accuracy)
        text = accuracy_texts.get(key)
        if text is not None:
            return text
        accuracy, test_accuracy = key
        text = ""
        if accuracy is not None:
            text = tr("  accuracy {percent:.1f}%", percent=100 * accuracy)
        if test_accuracy is not None:
            text += tr("  held-out accuracy {percent:.1f}%", percent=100 * test_accuracy)
        if len(accuracy_texts) > 1000:
            accuracy_texts.clear()
        accuracy_texts[key] = text
        return text

    def write_pending() -> None:
        if pending:
            losses = fmt_array(np.array([stats.loss for stats in pending]), 4)
            out.write("".join(map(line_of, [stats.epoch for stats in pending], losses,
                                  map(accuracy_text, pending))))
            pending.clear()

    def gathered(stats: EpochStats) -> None:
        """An epoch's end into a pipe or a file: its stats kept, the lines written now and then."""
        nonlocal next_flush
        keep(stats)
        if monotonic() >= next_flush:
            write_pending()
            out.flush()
            next_flush = monotonic() + flush_every

    def printed(stats: EpochStats) -> None:
        """An epoch's end on a terminal: its line at once."""
        keep(stats)
        write_pending()

    handler = printed if getattr(out, "isatty", lambda: False)() else gathered

    def beside_the_bar(stats: EpochStats) -> None:
        """An epoch's end while the bar is drawn: the bar wiped first, then drawn on."""
        bar.clear()
        handler(stats)
        if stats.epoch < epochs:
            bar.suffix = tr("  epoch {epoch}/{epochs}", epoch=stats.epoch + 1, epochs=epochs)

    bar.suffix = tr("  epoch {epoch}/{epochs}", epoch=1, epochs=epochs)
    try:
        trainer.run_epochs(epochs, progress=(lambda done, _total: bar.update(done)) if live else None,
                           each_epoch=beside_the_bar if live else handler)
    except BaseException:
        bar.drop()  # the message that follows starts on a clean line
        raise
    finally:
        write_pending()
        out.flush()  # every epoch's line before anything else is said


def cmd_export(args: argparse.Namespace) -> int:
    from core.engine.stepper import Stepper
    from core.exports.formats import SUFFIXES, export_chunks, write_atomically
    from core.scenario.catalog import load
    from core.scenario.replacing import refuse_unless_suffix
    from core.scenario.save import source_files
    from core.scenario.targets import check_target

    scenario = load(args.scenario)
    if args.output is not None:
        try:  # before the work, not after it
            refuse_unless_suffix(check_target(args.output, reads=source_files(scenario)), SUFFIXES[args.to])
        except SaveError as err:
            raise SaveError(tr("{reason} (checked before exporting)", reason=err.reason), file=err.file) from None
    stepper = Stepper(scenario)
    if args.hand_rounding:
        stepper.set_hand_rounding(scenario.decimals)
    stepper.run_iteration()
    chunks = export_chunks(stepper, args.to)  # written as they are made
    if args.output is not None:
        path = write_atomically(args.output, chunks, reads=source_files(scenario))
        print(tr("wrote {path}", path=visible(str(path))), file=sys.stderr)
    else:
        sys.stdout.writelines(chunks)
    return 0


def cmd_exercise(args: argparse.Namespace) -> int:
    from core.scenario.catalog import load
    from core.teacher.exercise import make_exercise
    from core.teacher.roster import counted_ids, roster_ids
    from core.teacher.tolerance import parse_tolerance
    from tui.progress import ProgressBar

    scenario = load(args.scenario)
    ids = counted_ids(args.count) if args.count is not None else roster_ids(args.students)
    tolerance = parse_tolerance(args.tolerance, scenario.decimals)
    bar = ProgressBar(len(ids))
    try:
        written = make_exercise(scenario, args.scenario, ids, args.seed, args.ask, tolerance, args.reveal,
                                args.output, replace=args.replace, progress=lambda done, _: bar.update(done))
    finally:
        bar.drop()
    asked = len(written.variants[0].asked)
    print(tr("wrote {students} ({values} to work out each), their worksheets and key.yaml in {folder}",
             students=tr_n("{n} student file", "{n} student files", len(ids)),
             values=tr_n("{n} value", "{n} values", asked), folder=visible(str(written.folder))))
    for note in written.notes:
        print(f"  {visible(note)}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    import os

    from core.scenario.atomic import write_path
    from core.teacher import report
    from core.teacher.grade import grade_class
    from core.teacher.key import read_key

    key = read_key(args.key)
    targets = [t for t in (args.csv, args.report) if t is not None]
    for target in targets:  # every target is checked before the work
        from core.scenario.targets import check_target

        check_target(target)
    results, notes = grade_class(key, args.key, args.submissions)
    for note in notes:
        print(f"cnn-tui: {visible(note)}", file=sys.stderr)
    asked = _asked(key, args.key)
    if args.json:
        print(report.to_json(results))
    else:
        sys.stdout.write(report.table(results))

    def write(path: str, text: str) -> None:
        data = text.encode("utf-8")
        write_path(path, lambda handle: handle.write(data))
        print(tr("wrote {path}", path=visible(path)), file=sys.stderr)

    if args.csv is not None:
        write(args.csv, report.gradebook_csv(results, asked))
    if args.report is not None:
        write(args.report, report.class_report(results, key, asked))
    if args.feedback is not None:
        os.makedirs(args.feedback, exist_ok=True)
        for r in results:
            if r.error is None:
                write(os.path.join(args.feedback, f"{r.id}.md"), report.feedback(r, key, args.key))
    if args.tui:
        from tui.grade_app import GradeApp

        app = GradeApp(results, key.title)
        app.run()
        return app.return_code or 0
    return 0


def _asked(key: Key, key_file: str) -> list[str]:
    """The asked names (the same for every student of an exercise), from the key."""
    first = next(iter(key.students.values()), None)
    if first is None:
        return []
    exercise = first.scenario(key_file).exercise
    return list(exercise.ask) if exercise is not None else []


def cmd_serve(args: argparse.Namespace) -> int:
    from tui.serve import serve

    return serve(args.scenario, args.host, args.port, args.root)


def run_tui(target: str | None, new: bool = False, root_dir: str | None = None) -> int:
    """The TUI on a scenario, or (``new``) the network editor on a blank design; ``root_dir``:
    open and save only inside that folder (what ``serve`` runs for every tab)."""
    from tui.startup import hold_collector, release_collector

    hold_collector()  # until the first frame (tui/startup.py)
    try:
        from core.scenario.catalog import load

        root, design = None, None
        if root_dir is not None:
            from core.scenario.root import Root

            root = Root(root_dir)
        if new:
            from core.scenario.draft import Draft

            design = Draft.blank()
        scenario = design.scenario if design else load(target or "tiny-cnn")  # a broken file fails here
        from tui.app import CnnTuiApp

        app = CnnTuiApp(scenario, design, root)
        app.run()
        return app.return_code or 0
    finally:
        release_collector()  # whatever happened before the first frame


HANDLERS = {"scenarios": cmd_scenarios, "check": cmd_check, "solve": cmd_solve, "train": cmd_train,
            "export": cmd_export, "exercise": cmd_exercise, "grade": cmd_grade, "serve": cmd_serve}


def take_language(argv: list[str], environ: Mapping[str, str] | None = None) -> Language:
    """Remove ``--lang X`` / ``--lang=X`` from ``argv`` (anywhere: every command has it) and
    return the language it names, else the locale's (contract §8)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" or arg.startswith("--lang="):
            text = arg.partition("=")[2] if "=" in arg else (argv[i + 1] if i + 1 < len(argv) else "")
            del argv[i:i + (1 if "=" in arg or i + 1 >= len(argv) else 2)]
            lang = parse_language(text)
            if not text.strip():
                raise UsageError(tr("--lang needs a language: en or zh"))
            if lang is None:
                raise UsageError(tr("--lang takes en or zh, not {value}", value=quote(text)))
            return lang
    return language_from_environment(environ)


def take_ascii(argv: list[str]) -> bool:
    """Remove every ``--ascii`` from ``argv`` (anywhere: every command has it); whether there was one."""
    found = "--ascii" in argv
    argv[:] = [arg for arg in argv if arg != "--ascii"]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    from tui.startup import hold_collector, release_collector

    hold_collector()  # NumPy's import too is part of the TUI's start-up (tui/startup.py)
    try:
        return _spelled_main(list(sys.argv[1:] if argv is None else argv))
    finally:
        release_collector(freeze=False)  # whatever ended the command (a refused file, the app's exit)


def _spelled_main(argv: list[str]) -> int:
    """``_main``, with what a person reads spelled in ASCII under ``--ascii``."""
    ascii_only = take_ascii(argv)
    set_ascii(ascii_only)
    if not ascii_only:
        return _main(argv)
    # --ascii: what a person reads is spelled in ASCII (solve's formulas, messages, progress bars,
    # help); a command whose output is for another program gets the stream as it is (_main)
    out, err = sys.stdout, sys.stderr
    sys.stdout = SpelledStream(out, formula=True)
    sys.stderr = SpelledStream(err)
    try:
        return _main(argv, raw_stdout=out)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: list[str], raw_stdout: TextIO | None = None) -> int:
    import numpy as np

    from tui.startup import release_collector

    restore: dict[int, Any] = {}  # the signal handlers a headless command replaced, put back at its end

    np.seterr(all="ignore")  # a diverging run shows ∞/NaN in its values, not NumPy warnings
    try:
        set_language(language_from_environment())  # a bad --lang is refused in the locale's language
        set_language(take_language(argv))
        if argv and argv[0] in COMMANDS:
            release_collector(freeze=False)  # a headless command collects as usual
            if argv[0] != "serve":  # (the server stops itself: its own handlers)
                restore = _stop_on_hangup_and_terminate()
            args = _parser().parse_args(argv)
            if raw_stdout is not None and args.for_machines(args):
                sys.stdout = raw_stdout
            return HANDLERS[args.command](args)
        if argv == ["new"]:
            return run_tui(None, new=True)
        if argv and argv[0] in ("-h", "--help"):
            print(tr("usage: ") + usage_text(), end="")
            return 0
        if "--root" in argv or any(a.startswith("--root=") for a in argv):
            tui_args, rest = _tui_parser().parse_known_args(argv)
            if not rest and tui_args.root is not None:
                return run_tui(tui_args.scenario, root_dir=tui_args.root)
        if len(argv) > 1 or (argv and argv[0].startswith("-")):
            print(tr("usage: ") + usage_text(), end="", file=sys.stderr)
            print("cnn-tui: " + tr("unexpected arguments: {arguments}", arguments=quote(" ".join(argv))),
                  file=sys.stderr)
            return 2
        return run_tui(argv[0] if argv else None)
    except UsageError as err:
        print(f"cnn-tui: {visible(str(err))}", file=sys.stderr)
        return 2
    except CnnTuiError as err:
        print(f"cnn-tui: {visible(str(err))}", file=sys.stderr)  # a file's text never acts on the terminal
        return 1
    except KeyboardInterrupt:
        # (a new line first where a terminal may hold a progress bar's half line)
        start = "\n" if getattr(sys.stderr, "isatty", lambda: False)() else ""
        print(start + "cnn-tui: " + tr("interrupted"), file=sys.stderr)
        return 130
    except Terminated as stop:  # the terminal closed, or a kill: what was being written is taken back
        return _stopped(stop)
    except OSError as err:
        cause = _terminated_in(err)
        if cause is not None:  # a write to the closed terminal while a signal's stop unwound: that stop
            return _stopped(cause)
        if isinstance(err, BrokenPipeError):  # the reader left (``| head``): as much as it wanted was written
            return 0
        raise
    finally:
        for number, handler in restore.items():  # (a caller in the same process keeps its own)
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)
        release_collector(freeze=False)  # whatever ended the command before the TUI's first frame


def _stopped(stop: Terminated) -> int:
    """A command stopped by a signal: one line where it can still be said, then 128 + its number."""
    with contextlib.suppress(OSError, ValueError):
        print("cnn-tui: " + tr("stopped by a signal ({name})", name=stop.name), file=sys.stderr)
    return 128 + stop.signum


def _terminated_in(err: BaseException) -> Terminated | None:
    """The ``Terminated`` an error was raised while handling (a progress bar or a line written
    to a terminal that had just closed), if any."""
    seen: BaseException | None = err.__context__
    while seen is not None:
        if isinstance(seen, Terminated):
            return seen
        seen = seen.__context__
    return None


class Terminated(BaseException):
    """A headless command stopped by SIGTERM or SIGHUP: raised where it runs, as Ctrl-C's
    KeyboardInterrupt is, so every file being written is taken back (core/scenario/atomic.py
    removes its temporary file) before the exit status 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


_STOPPING = ("SIGTERM", "SIGHUP")


def _stop_on_hangup_and_terminate() -> dict[int, Any]:
    """SIGTERM and SIGHUP raise ``Terminated`` in the command instead of ending the process
    where it stands (which would leave a save's temporary file behind); a second one while
    that unwinds is ignored (the clean-up runs to its end). Returns the handlers replaced."""
    numbers = [n for name in _STOPPING if (n := getattr(signal, name, None)) is not None]

    def stop(signum: int, _frame: object) -> None:
        for number in numbers:
            with contextlib.suppress(ValueError, OSError):
                signal.signal(number, signal.SIG_IGN)
        raise Terminated(signum)

    replaced: dict[int, Any] = {}
    for number in numbers:
        with contextlib.suppress(ValueError, OSError):  # (not the main thread: as it was)
            replaced[number] = signal.signal(number, stop)
    return replaced


def entry_point() -> None:
    """Console-script entry: exit with main()'s status."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
