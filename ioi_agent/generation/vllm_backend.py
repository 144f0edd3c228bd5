"""Sampling with vLLM's offline engine (`vllm.LLM`), in this process.

Each work item becomes requests of up to `request_chunk` samples (`n` samples in one request, prefix caching
on, so the prompt is computed once); every request of the run is fed to one engine, a few times the batch
size ahead, so the GPU always has work. The engine is stepped directly instead of through `LLM.generate`
so each sample is handed back (and written to the pool) the moment it finishes.
"""

from __future__ import annotations

import gc
import inspect
import itertools
import os
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.base import Emit, Sample, WorkItem
from ioi_agent.generation.prompts import Prompt

# Outputs only when a sample finishes (plus once at its first token): enough for our use, little overhead.
NO_STREAMING = 1 << 30


@dataclass
class _Request:
    item: WorkItem
    start: int  # sample index of child 0
    prompt_tokens: int
    texts: dict[int, list[str]] = field(default_factory=dict)
    tokens: dict[int, int] = field(default_factory=dict)


def chat_text(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    """The prompt text through the model's chat template; plain text when the model has none."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    warnings.warn(
        "the model's tokenizer has no chat template; sending the messages as plain text", stacklevel=2
    )
    return "\n\n".join(m["content"] for m in messages) + "\n\n"


class VllmBackend:
    name = "vllm"

    def __init__(
        self,
        model: str,
        *,
        tensor_parallel_size: int = 1,
        gpu_memory_utilization: float | None = None,
        max_model_len: int | None = None,
        dtype: str | None = None,
        engine_args: dict[str, Any] | None = None,
        request_chunk: int = 64,
        max_pending: int | None = None,
        logprobs: bool = True,
        ignore_eos: bool = False,
    ):
        self.model = model
        self.tensor_parallel_size = tensor_parallel_size
        self.gpu_memory_utilization = gpu_memory_utilization
        self.max_model_len = max_model_len
        self.dtype = dtype
        self.engine_args = dict(engine_args or {})
        self.request_chunk = request_chunk
        self.max_pending = max_pending
        self.logprobs = logprobs
        self.ignore_eos = ignore_eos  # benchmarks: every sample runs to max_tokens
        self._llm: Any = None
        self._prompt_ids: dict[str, list[int]] = {}

    def start(self) -> None:
        if self._llm is not None:
            return
        # vLLM logs every engine detail at INFO; a user can still ask for them.
        os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
        try:
            from vllm import LLM
            from vllm.platforms import current_platform
        except ImportError as exc:
            raise IoiAgentError(
                f"vLLM is not installed ({exc}) (fix: pip install 'ioi-agent[vllm]', "
                "or sample from a server with --endpoint, or replay a pool with --replay)"
            ) from None
        kwargs: dict[str, Any] = dict(
            model=self.model,
            tensor_parallel_size=self.tensor_parallel_size,
            enable_prefix_caching=True,
            seed=0,
        )
        if self.gpu_memory_utilization is not None:
            kwargs["gpu_memory_utilization"] = self.gpu_memory_utilization
        if self.max_model_len is not None:
            kwargs["max_model_len"] = self.max_model_len
        if self.dtype is not None:
            kwargs["dtype"] = self.dtype
        if current_platform.is_cpu():
            # vLLM's CPU runner fails on seeded requests whose prefill is split across steps (it rewinds
            # a CPU random generator, which has no offset); whole prefills avoid that.
            kwargs["enable_chunked_prefill"] = False
        kwargs.update(self.engine_args)
        try:
            self._llm = LLM(**kwargs)
        except (OSError, ValueError, TypeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IoiAgentError(
                f"vLLM could not load model {self.model!r}: {first} "
                "(fix: give a local model folder or a model name the machine can load)"
            ) from None

    @property
    def llm(self) -> Any:
        self.start()
        return self._llm

    def prompt_ids(self, prompt: Prompt) -> list[int]:
        ids = self._prompt_ids.get(prompt.sha256)
        if ids is None:
            tokenizer = self.llm.get_tokenizer()
            ids = list(tokenizer.encode(chat_text(tokenizer, prompt.messages), add_special_tokens=False))
            self._prompt_ids[prompt.sha256] = ids
        return ids

    def _engine_input(self, ids: list[int]) -> Any:
        # Newer vLLM wants rendered inputs; older takes the token dict as is.
        render = getattr(self.llm, "_preprocess_cmpl_one", None)
        return render({"prompt_token_ids": ids}) if render else {"prompt_token_ids": ids}

    def _params(self, item: WorkItem, count: int, seed: int, max_tokens: int) -> Any:
        from vllm import SamplingParams
        from vllm.sampling_params import RequestOutputKind

        wanted: dict[str, Any] = dict(
            n=count,
            seed=seed,
            temperature=item.sampling.temperature,
            top_p=item.sampling.top_p,
            max_tokens=max_tokens,
            logprobs=0 if self.logprobs else None,
            output_kind=RequestOutputKind.DELTA,
            flat_logprobs=True,
            stream_interval=NO_STREAMING,
            ignore_eos=self.ignore_eos,
        )
        accepted = inspect.signature(SamplingParams).parameters
        return SamplingParams(**{k: v for k, v in wanted.items() if k in accepted})

    def generate(self, items: Sequence[WorkItem], emit: Emit) -> None:
        engine = self.llm.llm_engine
        max_len = engine.model_config.max_model_len
        scheduler = getattr(getattr(engine, "vllm_config", None), "scheduler_config", None)
        max_seqs = getattr(scheduler, "max_num_seqs", 256)
        limit = self.max_pending or 4 * max_seqs
        chunks: deque[tuple[WorkItem, int, int]] = deque()
        for item in items:
            for offset in range(0, item.count, self.request_chunk):
                chunks.append((item, item.start + offset, min(self.request_chunk, item.count - offset)))
        active: dict[str, _Request] = {}
        counter = itertools.count()
        in_flight = 0
        while chunks or active:
            while chunks and in_flight < limit:
                item, start, count = chunks.popleft()
                ids = self.prompt_ids(item.prompt)
                room = max_len - len(ids)
                if room <= 0:
                    where = item.prompt.problem + (
                        f" subtask {item.prompt.subtask}" if item.prompt.subtask else ""
                    )
                    raise IoiAgentError(
                        f"{where}: the prompt has {len(ids)} tokens, more than the model's context of {max_len} "
                        "(fix: raise --max-model-len if the model allows it)"
                    )
                request_id = f"s{next(counter)}"
                params = self._params(item, count, item.seed_of(start), min(item.sampling.max_tokens, room))
                engine.add_request(request_id, self._engine_input(ids), params)
                active[request_id] = _Request(item, start, len(ids))
                in_flight += count
            if not engine.has_unfinished_requests():
                raise IoiAgentError(
                    f"vLLM stopped with {len(active)} requests unanswered (fix: run again to resume)"
                )
            for out in engine.step():
                request = active.get(out.request_id)
                if request is None:
                    continue
                for completion in out.outputs:
                    index = completion.index
                    request.texts.setdefault(index, []).append(completion.text)
                    request.tokens[index] = request.tokens.get(index, 0) + len(completion.token_ids)
                    if completion.finish_reason is None:
                        continue
                    sample_index = request.start + index
                    emit(
                        Sample(
                            job=request.item.job,
                            index=sample_index,
                            text="".join(request.texts.pop(index)),
                            seed=request.item.seed_of(sample_index),
                            finish_reason=str(completion.finish_reason),
                            prompt_tokens=request.prompt_tokens,
                            completion_tokens=request.tokens.pop(index),
                            cumulative_logprob=completion.cumulative_logprob,
                        )
                    )
                    in_flight -= 1
                if out.finished:
                    del active[out.request_id]

    def close(self) -> None:
        if self._llm is None:
            return
        engine = getattr(self._llm, "llm_engine", None)
        core = getattr(engine, "engine_core", None)
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()
        self._llm = None
        gc.collect()
