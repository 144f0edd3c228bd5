"""The `ioi-agent` command: a thin argparse front over the library.

Each subcommand lives in its own module exposing `register(subparsers)`; the module's handler returns
an exit code. Errors derived from `IoiAgentError` become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
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


INTERRUPTS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, _frame: object) -> None:
    """^C, SIGTERM (`timeout`, a batch system) and SIGHUP unwind as KeyboardInterrupt, so boxes, containers,
    cgroups and trusted programs are closed by the code that opened them (the judge aborts the runs in
    flight: seconds, not their wall clocks). A second signal while that runs ends the process at once; the
    pool's watchdog (sandbox/watchdog.py) then removes what the unwinding had not."""
    for sig in INTERRUPTS:
        signal.signal(sig, _exit_now)
    raise KeyboardInterrupt


def _exit_now(signum: int, _frame: object) -> None:
    os._exit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    previous = {sig: signal.signal(sig, _interrupt) for sig in INTERRUPTS}
    code = 1
    try:
        code = _run(argv)
        return code
    finally:
        # Called in-process (tests, a notebook: argv given), the caller's handlers come back. The command
        # itself, once interrupted and unwound, blocks the signals: a second ^C landing while the
        # interpreter finalizes (which puts the default handlers back) would end it by SIGINT instead of
        # exit code 130; blocked, it is never delivered.
        if argv is None and code == 130:
            signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
        else:
            for sig, handler in previous.items():
                if handler is not None:  # None: set outside Python, cannot be put back
                    signal.signal(sig, handler)


def _run(argv: list[str] | None) -> int:
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
