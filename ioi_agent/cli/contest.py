"""`ioi-agent contest`: simulate a contest (IOI or Codeforces rules) end to end and write its report."""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ioi_agent.cli.generate import add_backend_arguments, make_backend
from ioi_agent.cli.judge import cluster_option
from ioi_agent.cli.select import EXHAUSTIVE_HELP
from ioi_agent.cluster.connect import cluster_address
from ioi_agent.errors import IoiAgentError

DESCRIPTION = """\
Simulate a contest: per task, sample candidates (or replay a pool), generate tests, choose submissions
with a policy and submit them to the official grader, which holds the hidden tests and enforces the rules.

Sources (choose one; with none, the embedded default runs: the demo problems with their labelled
submissions replayed):
  --model PATH_OR_NAME               vLLM's offline engine on this machine
  --endpoint URL --model NAME        an OpenAI-compatible server
  --pool POOL                        a pool file, or a package's submissions/ folder

IOI rules: at most --submissions per task (50), one minute apart, full feedback; final score = per
subtask, the best of any submission; medal against --cutoffs (IOI 2024's by default).
Codeforces rules: at most 10 per problem, pretest feedback, system tests after the contest; a fixed
schedule maps submissions to contest minutes (see --minutes-per-submission); scoring cf, codeelo or icpc.

Everything is kept under --state (default: ioi-agent-runs/<a hash of the command>): run the same command
again after an interruption and it continues. Reports (JSON, Markdown, HTML) go to --out (default: the
state folder)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "contest",
        help="simulate an IOI or Codeforces contest and report the score, medal and baselines",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("problems", nargs="*", metavar="PROBLEM", help="package folders or folders of packages")
    p.add_argument("--rules", choices=["ioi", "codeforces"], default="ioi")
    src = p.add_argument_group("source")
    src.add_argument("--model", help="model path or name (vLLM), or the served model name (--endpoint)")
    src.add_argument("--endpoint", metavar="URL", help="OpenAI-compatible API base")
    src.add_argument("--pool", type=Path, metavar="POOL", help="pool file or submissions/ folder")
    what = p.add_argument_group("sampling (with --model)")
    what.add_argument("--samples", type=int, default=50, help="candidates per subtask prompt (default 50)")
    what.add_argument("--generators", type=int, default=4, help="test generators per subtask (default 4)")
    what.add_argument("--validators", type=int, default=4, help="input validators per subtask (default 4)")
    what.add_argument("--language", choices=["cpp", "python"], default="cpp")
    what.add_argument("--temperature", type=float, default=1.0)
    what.add_argument("--max-tokens", type=int, default=16384)
    add_backend_arguments(p)
    sel = p.add_argument_group("selection")
    sel.add_argument("--policy", default="o1-ioi", help="submission policy (default o1-ioi)")
    sel.add_argument("--submissions", type=int, default=None, help="cap per task (IOI 50, Codeforces 10)")
    sel.add_argument("--inputs-per-subtask", type=int, default=256, help="generated inputs (default 256)")
    sel.add_argument("--seed", type=int, default=0)
    sel.add_argument("--exhaustive", action="store_true", help=EXHAUSTIVE_HELP)
    ioi = p.add_argument_group("IOI rules")
    ioi.add_argument(
        "--cutoffs", metavar="G,S,B", help="medal cutoffs (default IOI 2024: 359.71,289.31,216.97)"
    )
    cf = p.add_argument_group("Codeforces rules")
    cf.add_argument(
        "--values", metavar="V,V,...", help="problem values in task order (default 500, 1000, ...)"
    )
    cf.add_argument("--scoring", choices=["cf", "codeelo", "icpc"], default="cf")
    cf.add_argument(
        "--minutes-per-submission", type=float, default=10.0, help="contest minutes per submission"
    )
    cf.add_argument("--duration", type=float, default=120.0, help="contest length in minutes (default 120)")
    cf.add_argument(
        "--contest-id", type=int, default=0, help="the real contest these problems are (for rating)"
    )
    p.add_argument("--state", type=Path, help="state folder (default ioi-agent-runs/<hash>)")
    p.add_argument("--out", type=Path, help="report folder (default: the state folder)")
    p.add_argument("--sandbox", default="auto", choices=["auto", "docker", "bwrap"])
    p.add_argument("--jobs", type=int, default=None)
    cluster_option(p)
    p.add_argument("--json", action="store_true", help="print the result document")
    p.set_defaults(handler=run)


def package_dirs(paths: list[str]) -> list[Path]:
    """Package folders (Kattis, CMS, Polygon), without loading them (the contestant side never reads a hidden
    package), and `hf:` dataset problems, one reference each (listed from the dataset's rows, no test read)."""
    from ioi_agent.packages.sources import is_package_dir, list_source

    out: list[Path] = []
    for raw in paths:
        if raw.startswith("hf:"):
            out.extend(Path(entry.reference) for entry in list_source(raw))
            continue
        root = Path(raw)
        if not root.is_dir():
            raise IoiAgentError(f"{root}: no such folder (fix: give a problem package folder)")
        if is_package_dir(root):
            out.append(root)
            continue
        inner = sorted(d for d in root.iterdir() if is_package_dir(d))
        if not inner:
            raise IoiAgentError(
                f"{root}: not a problem package (no problem.yaml, problem.json or problem.xml) and holds none "
                "(fix: give a Kattis, CMS or Polygon package folder, or an hf: dataset reference)"
            )
        out.extend(inner)
    return out


def run(args: argparse.Namespace) -> int:
    from ioi_agent.contest.sources import CandidateSource, demo_pool, demo_problems
    from ioi_agent.generation.pool import SamplingSettings
    from ioi_agent.generation.runner import GenerateOptions

    if args.endpoint and not args.model:
        raise IoiAgentError("--endpoint needs --model NAME (fix: add --model)")
    if args.pool and args.model:
        raise IoiAgentError("--pool takes no --model (fix: choose one source)")
    embedded = not (args.pool or args.model or args.problems)
    if not args.problems and not embedded:
        raise IoiAgentError("no PROBLEM given (fix: name package folders, or give no source for the demo)")
    problems = demo_problems() if embedded else package_dirs(args.problems)
    if embedded:
        print(
            "no model and no pool: running the embedded default (demo problems: labelled submissions replayed, seeded mutants, model-style generators)",
            file=sys.stderr,
        )
    if args.submissions is not None and args.submissions < 1:
        raise IoiAgentError("--submissions must be at least 1")
    source = CandidateSource(pool=demo_pool() if embedded else args.pool)
    if args.model:
        session = None
        address = cluster_address(args.cluster)
        if address is not None and not args.endpoint:
            # vLLM engines on the cluster too (one per GPU), sharing the judge's connection.
            from ioi_agent.cluster.remote_judge import shared_session

            session = shared_session(address)
        source = CandidateSource(
            backend=make_backend(args, session),
            options=GenerateOptions(
                samples=args.samples,
                per_subtask=True,
                language=args.language,
                sampling=SamplingSettings(
                    temperature=args.temperature, max_tokens=args.max_tokens, seed=args.seed
                ),
                generators=args.generators,
                validators=args.validators,
            ),
        )
    try:
        if args.rules == "ioi":
            return _run_ioi(args, problems, source, embedded)
        return _run_codeforces(args, problems, source, embedded)
    finally:
        if source.backend is not None:
            source.backend.close()


def _state_folder(args: argparse.Namespace, problems: list[Path], settings_json: str) -> Path:
    if args.state:
        return args.state
    digest = hashlib.sha256(
        ("|".join(str(p.resolve()) for p in problems) + settings_json).encode()
    ).hexdigest()[:10]
    return Path("ioi-agent-runs") / f"contest-{args.rules}-{digest}"


def _run_ioi(args: argparse.Namespace, problems: list[Path], source: Any, embedded: bool) -> int:
    from ioi_agent.contest.ioi import ContestSettings, run_ioi_contest
    from ioi_agent.contest.medals import MedalCutoffs
    from ioi_agent.contest.report import ioi_report, print_ioi_summary

    settings = ContestSettings(
        rules="ioi",
        policy=args.policy,
        budget=args.submissions or 50,
        source=source.description,
        seed=args.seed,
        inputs_per_subtask=args.inputs_per_subtask,
        exhaustive=args.exhaustive,
    )
    state = _state_folder(args, problems, settings.model_dump_json())
    cutoffs = MedalCutoffs.parse(args.cutoffs) if args.cutoffs else MedalCutoffs()
    result = run_ioi_contest(
        problems,
        source,
        settings,
        state,
        cutoffs=cutoffs,
        sandbox=args.sandbox,
        jobs=args.jobs,
        embedded_default=embedded,
        log=_log(args),
    )
    return _emit(args, result, ioi_report(result, args.out or state), print_ioi_summary)


def _run_codeforces(args: argparse.Namespace, problems: list[Path], source: Any, embedded: bool) -> int:
    from ioi_agent.contest.codeforces import CodeforcesSettings, run_codeforces_contest
    from ioi_agent.contest.report import codeforces_report, print_codeforces_summary

    values = _values(args.values, len(problems))
    settings = CodeforcesSettings(
        rules="codeforces",
        policy=args.policy,
        budget=args.submissions or 10,
        source=source.description,
        seed=args.seed,
        inputs_per_subtask=args.inputs_per_subtask,
        exhaustive=args.exhaustive,
        values=values,
        scoring=args.scoring,
        minutes_per_submission=args.minutes_per_submission,
        duration=args.duration,
        contest_id=args.contest_id,
    )
    state = _state_folder(args, problems, settings.model_dump_json())
    result = run_codeforces_contest(
        problems,
        source,
        settings,
        state,
        sandbox=args.sandbox,
        jobs=args.jobs,
        embedded_default=embedded,
        log=_log(args),
    )
    return _emit(args, result, codeforces_report(result, args.out or state), print_codeforces_summary)


def _log(args: argparse.Namespace) -> Callable[[str], None]:
    """Progress lines go to stderr when stdout carries the JSON document."""
    return (lambda msg: print(msg, file=sys.stderr)) if args.json else print


def _emit(
    args: argparse.Namespace, result: BaseModel, paths: dict[str, Path], summary: Callable[[Any], None]
) -> int:
    if args.json:
        print(result.model_dump_json(indent=1))
    else:
        summary(result)
        print("reports: " + ", ".join(str(p) for p in paths.values()))
    return 0


def _values(text: str | None, n: int) -> list[float]:
    if text is None:
        return [500.0 * (i + 1) for i in range(n)]
    try:
        values = [float(x) for x in text.split(",")]
    except ValueError:
        values = []
    if len(values) != n or any(v <= 0 for v in values):
        raise IoiAgentError(
            f"--values {text!r}: expected {n} positive numbers, one per problem in order (fix: e.g. "
            f"--values {','.join(str(500 * (i + 1)) for i in range(n))})"
        )
    return values
