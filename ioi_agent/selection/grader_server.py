"""The official grader as a separate process: `python -m ioi_agent.selection.grader_server PROBLEM ...`.

Protocol: JSON lines. The server first writes one `GraderReply` saying it is ready (result: the problem's
name and the rules) or why it could not start. Then, for each `GraderRequest` line read from stdin, it
writes one `GraderReply` line to stdout. End of stdin (or SIGTERM) stops it; its judge's boxes are closed.
Floats may be `Infinity` (Kattis score ranges), which Python's json reads back.

Two channels, each one request line → one reply line:
- the contestant's (stdin/stdout): public_problem (the public view, a serialized `Problem`), containment
  (which subtask strictly contains which, as the statement tells), submit (candidate, at_s → `Feedback`),
  final_score, records (list of `Feedback`), next_allowed_at, submissions_left: what the rules let a
  contestant learn, and nothing else (hidden_scores asked here is refused);
- the harness's (`--harness-fds R,W`, a pipe pair only the process that started the grader holds):
  hidden_scores, every candidate's result on the hidden tests, for the oracle and random-expectation
  figures beside a run. A policy talks to the grader through the contestant's channel only.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel
from pydantic_core import to_json

from ioi_agent.selection.model import Candidate, Rules, RulesName

Op = Literal[
    "public_problem",
    "containment",
    "submit",
    "final_score",
    "records",
    "next_allowed_at",
    "submissions_left",
    "hidden_scores",
]
HARNESS_OPS = frozenset({"hidden_scores"})  # answered on the harness channel only


class GraderRequest(BaseModel):
    op: Op
    candidate: Candidate | None = None
    at_s: float | None = None
    candidates: list[Candidate] | None = None


class GraderReply(BaseModel):
    ok: bool
    result: Any = None
    error: str | None = None
    refusal: bool = False  # the error is a GraderRefusal (cap or interval), not a failure


def encode(model: BaseModel) -> str:
    return to_json(model, inf_nan_mode="constants").decode() + "\n"


def rules_from(name: str, budget: int | None, min_interval: float | None) -> Rules:
    rules = Rules.ioi(budget) if name == RulesName.IOI else Rules.codeforces(budget)
    if min_interval is not None:
        rules = rules.model_copy(update={"min_interval_s": min_interval})
    return rules


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ioi_agent.selection.grader_server")
    p.add_argument("problem", type=Path, metavar="PROBLEM")
    p.add_argument("--rules", choices=[r.value for r in RulesName], default="ioi")
    p.add_argument("--budget", type=int, default=None)
    p.add_argument("--min-interval", type=float, default=None)
    p.add_argument("--log", type=Path, default=None)
    p.add_argument("--sandbox", default="auto")
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--time-limit", type=float, default=None)
    p.add_argument("--work", type=Path, default=None)
    p.add_argument("--harness-fds", default=None, help="R,W: the harness channel's pipe descriptors")
    return p


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the judge, which closes its boxes


def serve(args: argparse.Namespace, requests: TextIO, replies: TextIO) -> int:
    from ioi_agent.errors import IoiAgentError
    from ioi_agent.packages import load_problem
    from ioi_agent.selection.grader import GraderRefusal, OfficialGrader

    def send(reply: GraderReply, out: TextIO = replies) -> None:
        out.write(encode(reply))
        out.flush()

    rules = rules_from(args.rules, args.budget, args.min_interval)
    try:
        problem = load_problem(args.problem)
        grader = OfficialGrader(
            problem,
            rules,
            sandbox=args.sandbox,
            jobs=args.jobs,
            log=args.log,
            time_limit=args.time_limit,
            work=args.work,
        )
    except IoiAgentError as exc:
        send(GraderReply(ok=False, error=str(exc)))
        return 2
    lock = threading.Lock()  # one request at a time over both channels: the grader is not thread-safe

    def channel(lines: TextIO, out: TextIO, harness: bool) -> None:
        for line in lines:
            if not line.strip():
                continue
            try:
                request = GraderRequest.model_validate_json(line)
                if (request.op in HARNESS_OPS) != harness:
                    which = "the harness's" if harness else "the contestant's"
                    raise ValueError(f"{request.op} is not answered on {which} channel")
                with lock:
                    send(GraderReply(ok=True, result=_answer(grader, request)), out)
            except GraderRefusal as exc:
                send(GraderReply(ok=False, error=str(exc), refusal=True), out)
            except IoiAgentError as exc:
                send(GraderReply(ok=False, error=str(exc)), out)
            except ValueError as exc:  # a malformed or misplaced request: say so, keep serving
                send(GraderReply(ok=False, error=f"bad request: {str(exc).splitlines()[0]}"), out)

    with grader:
        send(GraderReply(ok=True, result={"problem": problem.name, "rules": rules.model_dump()}))
        if args.harness_fds:
            read_fd, write_fd = (int(x) for x in args.harness_fds.split(","))
            harness_in = os.fdopen(read_fd, "r", encoding="utf-8")
            harness_out = os.fdopen(write_fd, "w", encoding="utf-8")
            # Daemon: the server's life is the contestant channel's; the harness asks between requests.
            threading.Thread(target=channel, args=(harness_in, harness_out, True), daemon=True).start()
        channel(requests, replies, False)
    return 0


def _answer(grader: Any, request: GraderRequest) -> Any:
    if request.op == "public_problem":
        return grader.public_problem()
    if request.op == "containment":
        return grader.containment()
    if request.op == "submit":
        if request.candidate is None or request.at_s is None:
            raise ValueError("submit needs candidate and at_s")
        return grader.submit(request.candidate, request.at_s)
    if request.op == "final_score":
        return grader.final_score()
    if request.op == "records":
        return grader.records()
    if request.op == "next_allowed_at":
        return grader.next_allowed_at()
    if request.op == "submissions_left":
        return grader.submissions_left()
    return grader.hidden_scores(request.candidates or [])


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Replies go to the real stdout; anything else that prints (a library, a warning) goes to stderr,
    # so it can never be mistaken for a reply.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return serve(args, sys.stdin, replies)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the policy side went away
        return 0


if __name__ == "__main__":
    sys.exit(main())
