"""The `ioi-agent` command: a thin argparse front over the library.

Each subcommand lives in its own module exposing `register(subparsers)`; the module's handler returns
an exit code. Errors derived from `IoiAgentError` become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from ioi_agent.cluster.connect import use_cluster
from ioi_agent.errors import IoiAgentError

# Modules under ioi_agent.cli that add subcommands, in the order `--help` lists them.
COMMAND_MODULES = [
    "problem",
    "judge",
    "generate",
    "select",
    "evaluate",
    "train_scorer",
    "tune_policy",
    "contest",
    "score",
    "rating",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ioi-agent",
        description="Competitive-programming submission agent: judge, sample, select, simulate contests, rate.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ioi_agent.cli.{name}")
        except ModuleNotFoundError as exc:  # a subcommand still being built must not break the others
            if exc.name == f"ioi_agent.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM (`timeout`, a batch system) unwinds like ^C, so boxes, containers and trusted programs
    are closed by the code that opened them, not left running."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        if getattr(args, "cluster_judging", False):  # its judges (and its grader's) run on the cluster
            use_cluster(args.cluster)
        return int(args.handler(args) or 0)
    except IoiAgentError as exc:
        print(f"ioi-agent: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ioi-agent: interrupted; finished results are kept in the store", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
