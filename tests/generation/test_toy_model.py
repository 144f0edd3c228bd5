"""The random-weight test model's tokenizer: trained on the spot, exact vocabulary size, chat template."""

from __future__ import annotations

import pytest

pytest.importorskip("transformers", reason="the toy model needs transformers (installed with vLLM)")
pytest.importorskip("tokenizers", reason="the toy model needs tokenizers (installed with vLLM)")

from ioi_agent.generation.toy_model import CHAT_TEMPLATE, build_tokenizer  # noqa: E402


@pytest.mark.parametrize("size", [1024, 3000])
def test_tokenizer_has_the_exact_size_and_every_id_decodes(size: int) -> None:
    tok = build_tokenizer(size)
    assert len(tok) == size
    assert sorted(tok.get_vocab().values()) == list(range(size))
    assert all(isinstance(tok.decode([i]), str) for i in range(0, size, 7))


def test_chat_template_and_round_trip() -> None:
    tok = build_tokenizer(1024)
    assert tok.chat_template == CHAT_TEMPLATE
    text = tok.apply_chat_template(
        [{"role": "user", "content": "int main() { return 0; }"}], tokenize=False, add_generation_prompt=True
    )
    assert text == "<|user|>\nint main() { return 0; }<|end|>\n<|assistant|>\n"
    ids = tok.encode(text, add_special_tokens=False)
    assert tok.decode(ids) == text
    assert tok.eos_token == "<|end|>" and tok.eos_token_id in ids
    # Trained on code-like text: common code pieces are single tokens.
    assert len(tok.encode("#include <bits/stdc++.h>", add_special_tokens=False)) <= 12  # of 24 bytes
