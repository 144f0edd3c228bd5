"""Generation: candidate programs (and test generators, input validators) sampled from a model into a pool.

Modules: `pool` (the JSONL pool format, atomic appends, resumption), `prompts` (+ `templates/`),
`extract` (code out of a completion), `runner` (plan, resume, write), and the backends `vllm_backend`
(offline engine), `openai_backend` (OpenAI-compatible servers) and `replay` (existing pools, shipped
programs). `toy_model` builds random-weight models for tests and benchmarks.
"""

from ioi_agent.generation.pool import (
    CodeStatus,
    PoolRecord,
    PoolWriter,
    RecordKind,
    SamplingSettings,
    read_keys,
    read_pool,
)

__all__ = [
    "CodeStatus",
    "PoolRecord",
    "PoolWriter",
    "RecordKind",
    "SamplingSettings",
    "read_keys",
    "read_pool",
]
