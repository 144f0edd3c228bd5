"""Random-weight language models built on the spot, for tests and throughput benchmarks.

Weight values do not change how fast an engine runs, and a model that writes noise still exercises every
path of sampling, so tests and the GPU benchmark build their model here instead of downloading one.
The tokenizer is a byte-level BPE trained on code-like text, with a chat template, so prompts go through
the same chat-template path as with a real model. Needs `torch`, `transformers` and `tokenizers`
(all installed with the `vllm` extra).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

# Bump when what `build_model` writes changes, so cached copies are rebuilt.
TOY_MODEL_VERSION = "3"

SPECIAL_TOKENS = ["<|end|>", "<|pad|>", "<|system|>", "<|user|>", "<|assistant|>"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

# Architectures by name: "tiny" is for CPU tests (head_dim 32, the smallest the CPU attention backend
# handles); the Qwen2 shapes match the published 1.5B and 7B configurations.
CONFIGS: dict[str, dict[str, Any]] = {
    "tiny": dict(
        arch="llama",
        vocab_size=1024,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=32,
        max_position_embeddings=8192,
    ),
    "qwen2-1.5b": dict(
        arch="qwen2",
        vocab_size=151936,
        hidden_size=1536,
        intermediate_size=8960,
        num_hidden_layers=28,
        num_attention_heads=12,
        num_key_value_heads=2,
        max_position_embeddings=32768,
    ),
    "qwen2-7b": dict(
        arch="qwen2",
        vocab_size=152064,
        hidden_size=3584,
        intermediate_size=18944,
        num_hidden_layers=28,
        num_attention_heads=28,
        num_key_value_heads=4,
        max_position_embeddings=32768,
    ),
}

_WORDS = (
    "int main return for while if else vector string include iostream bits stdc++ using namespace std "
    "long cin cout endl auto const void struct class template typename push_back size begin end sort "
    "solve read write input output test case subtask points constraints integer array graph tree edge "
    "node query answer modulo minimum maximum sum count print def range len import sys stdin"
).split()


def code_like_corpus(lines: int = 4000, seed: int = 0) -> list[str]:
    """Deterministic text that looks enough like statements and C++/Python code to train a BPE on."""
    rng = random.Random(seed)
    snippets = [
        "#include <bits/stdc++.h>",
        "using namespace std;",
        "int main() {",
        "    ios::sync_with_stdio(false);",
        "    long long n; cin >> n;",
        "    vector<int> a(n);",
        "    for (int i = 0; i < n; ++i) cin >> a[i];",
        '    cout << ans << "\\n";',
        "    return 0;",
        "}",
        "```cpp",
        "```python",
        "```",
        "def solve():",
        "    n = int(sys.stdin.readline())",
        "print(sum(map(int, input().split())))",
        "<think>",
        "</think>",
        "$1 \\le N \\le 10^5$",
    ]
    out = []
    for _ in range(lines):
        if rng.random() < 0.5:
            out.append(rng.choice(snippets))
        else:
            out.append(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12))))
    return out


def build_tokenizer(vocab_size: int) -> Any:
    """A byte-level BPE trained on code-like text, grown to exactly `vocab_size` entries.

    Training on a small corpus stops short of a large vocabulary, so the rest is filled with synthetic
    merges: a random-weight model samples every id, and each id must decode.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    train_size = min(vocab_size, 1024)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=train_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(code_like_corpus(), trainer=trainer)
    if tok.get_vocab_size() < vocab_size:
        tok = _grow_vocab(tok, vocab_size)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|end|>",
        pad_token="<|pad|>",
        bos_token=None,
        unk_token=None,
    )
    fast.chat_template = CHAT_TEMPLATE
    return fast


def _grow_vocab(tok: Any, vocab_size: int) -> Any:
    from tokenizers import Tokenizer

    data = json.loads(tok.to_str())
    vocab: dict[str, int] = data["model"]["vocab"]
    merges: list[Any] = data["model"]["merges"]
    pieces = [p for p in vocab if not p.startswith("<|")]
    rng = random.Random(1)
    while len(vocab) < vocab_size:  # the special tokens are in `vocab` too
        a, b = rng.choice(pieces), rng.choice(pieces)
        if a + b in vocab or len(a + b) > 16:
            continue
        vocab[a + b] = len(vocab)
        merges.append([a, b] if merges and isinstance(merges[0], list) else f"{a} {b}")
        pieces.append(a + b)
    # Added (special) tokens keep the ids the trainer gave them, below every merge id.
    return Tokenizer.from_str(json.dumps(data))


def build_model(
    out_dir: Path, name: str = "tiny", dtype: str = "float32", seed: int = 0, device: str = "cpu"
) -> Path:
    """Write a random-weight model and its tokenizer to `out_dir` with `save_pretrained`.

    `device="cuda"` initialises the weights on the GPU, much faster for the billion-parameter shapes."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config

    spec = dict(CONFIGS[name])
    arch = spec.pop("arch")
    tokenizer = build_tokenizer(spec["vocab_size"])
    spec["vocab_size"] = len(tokenizer)
    common = dict(
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=None,
        tie_word_embeddings=False,
    )
    config = (LlamaConfig if arch == "llama" else Qwen2Config)(**spec, **common)
    torch.manual_seed(seed)
    torch_dtype = getattr(torch, dtype)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=torch_dtype)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def cached_model(name: str = "tiny", cache_root: Path | None = None) -> Path:
    """Build the model once per cache key and reuse it (tests, CI); safe when two processes race."""
    import transformers

    root = cache_root or Path(os.environ.get("IOI_AGENT_TEST_MODEL_CACHE", "~/.cache/ioi-agent-test-model"))
    root = root.expanduser()
    key = f"{name}-v{TOY_MODEL_VERSION}-tf{transformers.__version__}"
    final = root / key
    if (final / "config.json").is_file() and (final / "tokenizer_config.json").is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=root))
    try:
        build_model(tmp, name)
        try:
            tmp.rename(final)
        except OSError:  # another process finished first; its copy is as good as ours
            pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final
