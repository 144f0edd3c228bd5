"""`ioi-agent generate`: sample candidate programs (and test generators/validators) into a pool file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ioi_agent.cluster.connect import CLUSTER_HELP, cluster_address, connect
from ioi_agent.errors import IoiAgentError
from ioi_agent.packages.model import Problem

DESCRIPTION = """\
Sample candidate programs for problem packages into a JSONL pool, from one of four sources:
  --model PATH_OR_NAME               vLLM's offline engine on this machine (pip install 'ioi-agent[vllm]')
  --endpoint URL --model NAME        an OpenAI-compatible server (vllm serve, SGLang, ...)
  --replay SRC                       an existing pool file, a package's submissions/ folder, or the word
                                     'submissions' (each PROBLEM's own shipped programs)
  --mutants N                        N seeded mutants per PROBLEM of its accepted and partial programs
                                     (off-by-ones, flipped comparisons, narrow types, dropped guards, early
                                     exits, slower loops; 15% exact and 15% cosmetic duplicates): for stress
                                     tests and demos without a GPU, never model output (--seed picks them)
Running the same command again resumes: samples already in the pool are not asked for again."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "generate",
        help="sample candidate programs into a pool (vLLM, OpenAI-compatible server, replay, or mutants)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("problems", nargs="+", metavar="PROBLEM", help="package folder, or a folder of packages")
    src = p.add_argument_group("source")
    src.add_argument("--model", help="model path or name (vLLM), or the served model name (--endpoint)")
    src.add_argument(
        "--endpoint", metavar="URL", help="OpenAI-compatible API base, e.g. http://127.0.0.1:8000/v1"
    )
    src.add_argument("--replay", metavar="SRC", help="pool file, submissions/ folder, or 'submissions'")
    src.add_argument(
        "--mutants",
        type=int,
        metavar="N",
        help="N mutants per problem of its accepted/partial programs (no model; labels unknown)",
    )
    p.add_argument("--out", required=True, type=Path, metavar="POOL", help="pool file to append to (JSONL)")
    what = p.add_argument_group("what to sample")
    what.add_argument(
        "--samples", type=int, default=None, help="candidates per prompt (default 1; replay: all)"
    )
    what.add_argument(
        "--per-subtask", action="store_true", help="one prompt per subtask instead of per problem"
    )
    what.add_argument(
        "--language", choices=["cpp", "python"], default="cpp", help="solution language (default cpp)"
    )
    what.add_argument(
        "--generators", type=int, default=0, metavar="N", help="test-input generators per subtask"
    )
    what.add_argument("--validators", type=int, default=0, metavar="N", help="input validators per subtask")
    what.add_argument(
        "--templates", type=Path, metavar="DIR", help="folder of prompt templates overriding the defaults"
    )
    what.add_argument("--hash-only", action="store_true", help="store the completion's hash, not its text")
    sampling = p.add_argument_group("sampling")
    sampling.add_argument("--temperature", type=float, default=1.0)
    sampling.add_argument("--top-p", type=float, default=1.0)
    sampling.add_argument("--max-tokens", type=int, default=16384, help="completion token limit per sample")
    sampling.add_argument("--seed", type=int, default=0, help="run seed; each sample's seed derives from it")
    add_backend_arguments(p)
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        default=None,
        help=CLUSTER_HELP + "; with --model (vLLM), one engine per GPU or --tensor-parallel-size group "
        "of the cluster (one per node on CPU-only clusters); other sources run on this machine",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def add_backend_arguments(p: argparse.ArgumentParser) -> None:
    """Engine and server options, shared by every command that samples (generate, contest)."""
    engine = p.add_argument_group("vLLM engine (--model without --endpoint)")
    engine.add_argument("--tensor-parallel-size", type=int, default=1)
    engine.add_argument("--gpu-memory-utilization", type=float, default=None)
    engine.add_argument("--max-model-len", type=int, default=None)
    engine.add_argument("--dtype", default=None, help="e.g. bfloat16 (default: the model's)")
    engine.add_argument(
        "--engine-arg", action="append", default=[], metavar="KEY=VALUE", help="any other vllm.LLM argument"
    )
    server = p.add_argument_group("server (--endpoint)")
    server.add_argument("--api-key", default=None, help="default: $OPENAI_API_KEY")
    server.add_argument("--concurrency", type=int, default=32, help="requests in flight (default 32)")
    server.add_argument("--n-per-request", type=int, default=8, help="samples per request (default 8)")
    server.add_argument("--request-timeout", type=float, default=1800.0, help="seconds per request")


def parse_engine_args(pairs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise IoiAgentError(
                f"--engine-arg {pair!r}: expected KEY=VALUE (fix: e.g. --engine-arg max_num_seqs=64)"
            )
        try:
            out[key.strip().replace("-", "_")] = json.loads(value)
        except ValueError:
            out[key.strip().replace("-", "_")] = value
    return out


def load_problems(paths: list[str]) -> list[Problem]:
    from ioi_agent.packages import load_problem
    from ioi_agent.packages.sources import is_package_dir

    problems: list[Problem] = []
    for raw in paths:
        root = Path(raw)
        if root.is_dir() and not is_package_dir(root):
            inner = sorted(d for d in root.iterdir() if is_package_dir(d))
            if inner:
                problems.extend(load_problem(d) for d in inner)
                continue
        problems.append(load_problem(root))
    seen: dict[str, Path] = {}
    for problem in problems:
        if problem.name in seen and seen[problem.name] != problem.root:
            raise IoiAgentError(
                f"{problem.root}: two problems are named {problem.name!r} (the other is {seen[problem.name]}) "
                "(fix: generate them into separate pools)"
            )
        seen[problem.name] = problem.root
    return problems


def make_backend(args: argparse.Namespace, session: Any = None) -> Any:
    """The sampling backend the arguments ask for; vLLM on the cluster when `session` is a Ray connection."""
    if args.endpoint:
        from ioi_agent.generation.openai_backend import OpenAIBackend

        return OpenAIBackend(
            args.endpoint,
            args.model,
            api_key=args.api_key or os.environ.get("OPENAI_API_KEY"),
            concurrency=args.concurrency,
            n_per_request=args.n_per_request,
            timeout_s=args.request_timeout,
        )
    engine: dict[str, Any] = dict(
        tensor_parallel_size=args.tensor_parallel_size,
        gpu_memory_utilization=args.gpu_memory_utilization,
        max_model_len=args.max_model_len,
        dtype=args.dtype,
        engine_args=parse_engine_args(args.engine_arg),
    )
    if session is not None:
        from ioi_agent.generation.ray_backend import ray_vllm_backend

        return ray_vllm_backend(session, args.model, **engine)
    from ioi_agent.generation.vllm_backend import VllmBackend

    return VllmBackend(args.model, **engine)


def local_only_note(address: str | None, source: str) -> None:
    """The cluster is for engines: a server, replay or mutants need nothing of it (and the address may
    come from IOI_AGENT_RAY_ADDRESS, set for a whole batch job), so say so and run here."""
    if address is not None:
        print(
            f"note: --cluster {address}: {source} runs on this machine (only --model sampling uses the cluster)",
            file=sys.stderr,
        )


def run(args: argparse.Namespace) -> int:
    from ioi_agent.generation.pool import SamplingSettings
    from ioi_agent.generation.replay import run_replay
    from ioi_agent.generation.runner import GenerateOptions, run_generation

    mutants = args.mutants is not None
    sources = [bool(args.replay), bool(args.endpoint), bool(args.model and not args.endpoint), mutants]
    if args.replay and (args.model or args.endpoint):
        raise IoiAgentError("--replay takes no --model or --endpoint (fix: choose one source)")
    if mutants and (args.replay or args.model or args.endpoint):
        raise IoiAgentError("--mutants takes no --model, --endpoint or --replay (fix: choose one source)")
    if mutants and args.samples is not None:
        raise IoiAgentError(
            "--mutants N is the count per problem; it takes no --samples (fix: drop --samples)"
        )
    if args.endpoint and not args.model:
        raise IoiAgentError("--endpoint needs --model NAME, the model the server serves (fix: add --model)")
    if not any(sources):
        raise IoiAgentError(
            "no source given (fix: add --model PATH_OR_NAME, --endpoint URL --model NAME, --replay SRC "
            "or --mutants N)"
        )
    for flag in ("samples", "generators", "validators", "mutants"):
        value = getattr(args, flag)
        if value is not None and value < 0:
            raise IoiAgentError(f"--{flag} must be 0 or more")
    problems = load_problems(args.problems)
    address = cluster_address(args.cluster)

    if mutants:
        local_only_note(address, "--mutants")
        from ioi_agent.generation.mutants import run_mutants

        summary, skipped = run_mutants(problems, args.mutants, args.out, seed=args.seed)
        if skipped:
            print(f"no accepted or partial C++/Python program to mutate in: {', '.join(skipped)} (skipped)")
        print(
            f"wrote {summary.written} mutants to {args.out} ({summary.already_done} of {summary.planned} were "
            f"already there; seed {args.seed})"
        )
        return 0

    if args.replay:
        local_only_note(address, "--replay")
        summary = run_replay(args.replay, problems, args.out, args.samples)
        print(
            f"replayed {summary.written} records into {args.out} ({summary.already_done} were already there)"
        )
        return 0

    try:
        sampling = SamplingSettings(
            temperature=args.temperature, top_p=args.top_p, max_tokens=args.max_tokens, seed=args.seed
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise IoiAgentError(f"bad sampling settings: {err['loc'][0]}: {err['msg']}") from None
    options = GenerateOptions(
        samples=1 if args.samples is None else args.samples,
        per_subtask=args.per_subtask,
        language=args.language,
        sampling=sampling,
        generators=args.generators,
        validators=args.validators,
        keep_completions=not args.hash_only,
        templates=args.templates,
    )
    session = None
    if args.endpoint:
        local_only_note(address, "--endpoint (the server samples)")
    elif address is not None:
        session = connect(address)
    try:
        backend = make_backend(args, session)
        try:
            summary = run_generation(problems, backend, options, args.out, progress=not args.quiet)
        finally:
            backend.close()
    finally:
        if session is not None:
            session.close()
    if session is not None and backend.started:
        print(f"cluster {address}: {backend.summary()}")
    print(
        f"wrote {summary.written} samples to {args.out} ({summary.already_done} of {summary.planned} were already "
        f"there; {summary.no_code} without code, {summary.truncated} truncated); "
        f"{summary.samples_per_s:.2f} samples/s, {summary.tokens_per_s:.0f} tokens/s"
    )
    return 0
