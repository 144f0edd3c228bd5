"""Sampling throughput: ioi-agent's vLLM backend against Hugging Face `transformers` `generate`.

Both engines get the same prompts (chat-templated, same token ids) and the same `n` samples per prompt,
with a fixed output length (`ignore_eos` / `min_new_tokens`): a random-weight model of a realistic shape
(Qwen2 1.5B or 7B) runs exactly as fast as the trained one. Each engine runs in its own process so the
GPU memory of one does not hold back the other. Prints samples/s, tokens/s and the ratio.

    python bench/generate_throughput.py                       # GPU: Qwen2-1.5B shape, 8 prompts x 16
    python bench/generate_throughput.py --config qwen2-7b --prompts 16 --n 32
    python bench/generate_throughput.py --smoke               # CPU: the tiny test model, a few tokens

Needs the vllm extra (torch, transformers, vllm). Without a CUDA GPU it refuses unless --smoke is given.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SMOKE = dict(config="tiny", prompts=4, n=4, prompt_words=60, output_tokens=32, dtype="float32")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", default="qwen2-1.5b", help="qwen2-1.5b, qwen2-7b or tiny")
    p.add_argument("--prompts", type=int, default=8)
    p.add_argument("--n", type=int, default=16, help="samples per prompt")
    p.add_argument("--prompt-words", type=int, default=600, help="words of random statement text per prompt")
    p.add_argument("--output-tokens", type=int, default=512, help="tokens per sample (fixed)")
    p.add_argument("--dtype", default="bfloat16")
    p.add_argument(
        "--hf-batch", type=int, default=0, help="prompts per generate() call (default: all at once)"
    )
    p.add_argument("--gpu-memory-utilization", type=float, default=0.85)
    p.add_argument("--model-dir", type=Path, default=None, help="where the random model is built (cached)")
    p.add_argument("--engines", default="vllm,hf", help="comma-separated: vllm, hf")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--smoke", action="store_true", help="CPU smoke run: tiny model, few prompts and tokens")
    p.add_argument("--worker", choices=["vllm", "hf"], help=argparse.SUPPRESS)
    p.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
    return args


def messages_for(count: int, words: int, seed: int = 0) -> list[list[dict[str, str]]]:
    """Distinct prompts shaped like ours: an instruction, then statement-like text."""
    from ioi_agent.generation.toy_model import code_like_corpus

    rng = random.Random(seed)
    corpus = " ".join(code_like_corpus(2000, seed)).split()
    out = []
    for i in range(count):
        text = " ".join(rng.choice(corpus) for _ in range(words))
        out.append([{"role": "user", "content": f"Problem {i}. Solve it in C++17.\n\n{text}"}])
    return out


# ---------------------------------------------------------------- workers (one engine per process)


def run_vllm(spec: dict[str, Any]) -> dict[str, Any]:
    from ioi_agent.generation.base import WorkItem
    from ioi_agent.generation.pool import RecordKind, SamplingSettings
    from ioi_agent.generation.prompts import Prompt
    from ioi_agent.generation.vllm_backend import VllmBackend

    engine_args: dict[str, Any] = {}
    if spec["smoke"]:
        engine_args = dict(distributed_executor_backend="uni", enforce_eager=True)
    backend = VllmBackend(
        spec["model"],
        dtype=spec["dtype"],
        gpu_memory_utilization=spec["gpu_memory_utilization"],
        max_model_len=spec["max_model_len"],
        engine_args=engine_args,
        request_chunk=max(spec["n"], 1),
        ignore_eos=True,
    )
    load_start = time.perf_counter()
    backend.start()
    load_s = time.perf_counter() - load_start
    sampling = SamplingSettings(temperature=1.0, top_p=1.0, max_tokens=spec["output_tokens"], seed=0)

    def items(count: int, n: int, tag: str) -> list[WorkItem]:
        out = []
        for i, messages in enumerate(spec["messages"][:count]):
            prompt = Prompt(
                kind=RecordKind.CANDIDATE,
                problem=f"{tag}{i}",
                subtask=None,
                language="cpp",
                messages=messages,
            )
            out.append(WorkItem(f"{tag}{i}", prompt, 0, n, 1000 * i, sampling))
        return out

    # Warm-up on other prompts so the timed run gets no prefix-cache hits from it.
    warm = [
        WorkItem(
            "warm",
            Prompt(
                kind=RecordKind.CANDIDATE,
                problem="w",
                subtask=None,
                language="cpp",
                messages=[{"role": "user", "content": "warm up"}],
            ),
            0,
            2,
            1,
            SamplingSettings(max_tokens=8),
        )
    ]
    backend.generate(warm, lambda s: None)
    tokens = samples = 0

    def count(sample: Any) -> None:
        nonlocal tokens, samples
        samples += 1
        tokens += sample.completion_tokens or 0

    start = time.perf_counter()
    backend.generate(items(spec["prompts"], spec["n"], "p"), count)
    seconds = time.perf_counter() - start
    prompt_tokens = [len(backend.prompt_ids(i.prompt)) for i in items(spec["prompts"], 1, "p")]
    backend.close()
    return dict(
        engine="vllm",
        samples=samples,
        tokens=tokens,
        seconds=seconds,
        load_s=load_s,
        prompt_tokens=prompt_tokens,
    )


def run_hf(spec: dict[str, Any]) -> dict[str, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from ioi_agent.generation.vllm_backend import chat_text

    device = "cuda" if torch.cuda.is_available() and not spec["smoke"] else "cpu"
    dtype = getattr(torch, spec["dtype"])
    load_start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    model = AutoModelForCausalLM.from_pretrained(spec["model"], dtype=dtype).to(device).eval()
    load_s = time.perf_counter() - load_start
    prompts = [
        tokenizer.encode(chat_text(tokenizer, m), add_special_tokens=False)
        for m in spec["messages"][: spec["prompts"]]
    ]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    length = spec["output_tokens"]

    def generate(batch: list[list[int]], n: int, new_tokens: int) -> int:
        width = max(len(ids) for ids in batch)
        # Left padding: every prompt ends where generation starts.
        input_ids = torch.tensor([[pad] * (width - len(ids)) + ids for ids in batch], device=device)
        mask = torch.tensor([[0] * (width - len(ids)) + [1] * len(ids) for ids in batch], device=device)
        with torch.inference_mode():
            out = model.generate(
                input_ids=input_ids,
                attention_mask=mask,
                do_sample=True,
                temperature=1.0,
                top_p=1.0,
                top_k=0,
                max_new_tokens=new_tokens,
                min_new_tokens=new_tokens,
                num_return_sequences=n,
                pad_token_id=pad,
            )
        if device == "cuda":
            torch.cuda.synchronize()
        return int((out.shape[1] - width) * out.shape[0])

    generate(prompts[:1], 2, 8)  # warm-up
    per_call = spec["hf_batch"] or len(prompts)
    tokens = samples = 0
    start = time.perf_counter()
    for i in range(0, len(prompts), per_call):
        batch = prompts[i : i + per_call]
        tokens += generate(batch, spec["n"], length)
        samples += len(batch) * spec["n"]
    seconds = time.perf_counter() - start
    return dict(
        engine="hf",
        samples=samples,
        tokens=tokens,
        seconds=seconds,
        load_s=load_s,
        prompt_tokens=[len(p) for p in prompts],
    )


# ---------------------------------------------------------------- driver


def ensure_model(args: argparse.Namespace, cuda: bool) -> Path:
    from ioi_agent.generation.toy_model import TOY_MODEL_VERSION, build_model

    root = (
        args.model_dir
        or Path("~/.cache/ioi-agent-bench").expanduser() / f"{args.config}-{args.dtype}-v{TOY_MODEL_VERSION}"
    )
    if (root / "config.json").is_file():
        return root
    print(f"building a random-weight {args.config} model in {root} ...", flush=True)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root.parent if root.parent.exists() else None))
    build_model(tmp, args.config, dtype=args.dtype, device="cuda" if cuda else "cpu")
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(root)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return root


def worker_env(smoke: bool) -> dict[str, str]:
    env = dict(os.environ, TOKENIZERS_PARALLELISM="false")
    if smoke:
        env.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")
        env.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        spec = json.loads(args.spec.read_text())
        result = run_vllm(spec) if args.worker == "vllm" else run_hf(spec)
        args.result.write_text(json.dumps(result))
        return 0

    try:
        import torch
    except ImportError:
        print("this benchmark needs the vllm extra: pip install 'ioi-agent[vllm]'", file=sys.stderr)
        return 2
    cuda = torch.cuda.is_available()
    if not cuda and not args.smoke:
        print(
            "no CUDA GPU here: this benchmark measures GPU sampling throughput.\n"
            "Run it on a GPU machine, or add --smoke for a small CPU run of the tiny test model.",
            file=sys.stderr,
        )
        return 2
    device = torch.cuda.get_device_name(0) if cuda and not args.smoke else "CPU"
    model = ensure_model(args, cuda and not args.smoke)
    messages = messages_for(args.prompts, args.prompt_words)
    spec = dict(
        model=str(model),
        messages=messages,
        prompts=args.prompts,
        n=args.n,
        output_tokens=args.output_tokens,
        dtype=args.dtype,
        hf_batch=args.hf_batch,
        smoke=args.smoke,
        gpu_memory_utilization=0.2 if args.smoke else args.gpu_memory_utilization,
        max_model_len=4096 if args.smoke else 8192,
    )
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec))
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            result_path = Path(tmp) / f"{engine}.json"
            print(f"running {engine} ...", flush=True)
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    engine,
                    "--spec",
                    str(spec_path),
                    "--result",
                    str(result_path),
                ],
                env=worker_env(args.smoke),
                stdout=subprocess.DEVNULL if not os.environ.get("BENCH_VERBOSE") else None,
                stderr=subprocess.PIPE,
                text=True,
            )
            if proc.returncode != 0:
                print(f"{engine} failed:\n{proc.stderr[-4000:]}", file=sys.stderr)
                return 1
            results.append(json.loads(result_path.read_text()))

    print(
        f"\n{args.config} random weights, {args.dtype}, {device}; {args.prompts} prompts x n={args.n}, "
        f"{args.output_tokens} output tokens per sample, prompt tokens {results[0]['prompt_tokens']}"
    )
    print(
        f"{'engine':<8}{'samples':>9}{'tokens':>10}{'seconds':>10}{'samples/s':>12}{'tokens/s':>12}{'load s':>9}"
    )
    for r in results:
        r["samples_per_s"] = r["samples"] / r["seconds"]
        r["tokens_per_s"] = r["tokens"] / r["seconds"]
        print(
            f"{r['engine']:<8}{r['samples']:>9}{r['tokens']:>10}{r['seconds']:>10.2f}"
            f"{r['samples_per_s']:>12.2f}{r['tokens_per_s']:>12.1f}{r['load_s']:>9.1f}"
        )
    by = {r["engine"]: r for r in results}
    summary: dict[str, Any] = dict(
        config=args.config, device=device, args=vars(args) | {"json": None}, results=results
    )
    if "vllm" in by and "hf" in by:
        ratio = by["vllm"]["tokens_per_s"] / by["hf"]["tokens_per_s"]
        summary["ratio"] = ratio
        print(f"vLLM / transformers: {ratio:.1f}x tokens/s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
