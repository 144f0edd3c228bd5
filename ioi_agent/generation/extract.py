"""Code extraction: the program in a model's completion.

Rule: drop the reasoning (`<think>…</think>`, or everything up to the last `</think>` when the chat template
opened the think block in the prompt), then take the last closed fenced block of the requested language;
failing that, the last closed untagged block that looks like that language; failing that, code written
without a fence. A fence that is opened and never closed (the output hit the token limit) gives
`truncated` with what was written; otherwise `no_code`. The caller keeps every completion either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ioi_agent.generation.pool import CodeStatus

LANGUAGE_TAGS: dict[str, set[str]] = {
    "cpp": {"cpp", "c++", "cc", "cxx", "hpp", "cpp17", "c++17", "cpp20", "c++20", "c"},
    "python": {"python", "python3", "py", "py3"},
}

_THINK_OPEN = re.compile(r"<think(?:ing)?>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think(?:ing)?>", re.IGNORECASE)
# A fence line: three or more backticks or tildes, an optional info string.
_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$", re.MULTILINE)

_CPP_HINTS = re.compile(
    r"#\s*include\s*[<\"]|\bint\s+main\s*\(|\busing\s+namespace\b|\bstd::|\b(?:long long|vector<)"
)
_PY_HINTS = re.compile(
    r"^\s*(?:def \w+\(|import \w|from \w+ import|print\(|if __name__|for \w+ in )", re.MULTILINE
)


@dataclass(frozen=True)
class Extraction:
    status: CodeStatus
    code: str
    reason: str = ""


def strip_reasoning(text: str) -> str:
    """The completion without its reasoning. An unclosed `<think>` means it never got past reasoning."""
    closes = list(_THINK_CLOSE.finditer(text))
    if closes:
        # Everything up to the last close is reasoning, also when the opening tag was in the prompt.
        return text[closes[-1].end() :]
    opened = _THINK_OPEN.search(text)
    if opened:
        return text[: opened.start()]
    return text


@dataclass(frozen=True)
class _Block:
    tag: str
    body: str
    closed: bool


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    pos = 0
    while True:
        opening = _FENCE.search(text, pos)
        if not opening:
            return blocks
        fence = opening.group("fence")
        tag = opening.group("info").strip().split()[0].lower() if opening.group("info").strip() else ""
        tag = tag.lstrip("{.").rstrip("}")
        body_start = opening.end() + 1
        # The closing fence: same character, at least as long, nothing after it.
        closing_re = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        closing = closing_re.search(text, body_start) if body_start <= len(text) else None
        if not closing:
            blocks.append(_Block(tag, text[body_start:], closed=False))
            return blocks
        blocks.append(_Block(tag, text[body_start : closing.start()], closed=True))
        pos = closing.end()


def _looks_like(language: str, code: str) -> bool:
    if language == "cpp":
        return bool(_CPP_HINTS.search(code))
    return bool(_PY_HINTS.search(code)) and not _CPP_HINTS.search(code)


def _unfenced(language: str, text: str) -> str | None:
    """Code written without a fence: from the first line that starts a program to the end."""
    lines = text.splitlines()
    if language == "cpp":
        starts = [i for i, line in enumerate(lines) if re.match(r"\s*#\s*include\b", line)]
        if not starts or not re.search(r"\bmain\s*\(|\w+\s*\([^;]*\)\s*\{", text):
            return None
        code = "\n".join(lines[starts[0] :])
        last_brace = code.rfind("}")  # prose after the program's last brace is not code
        return code[: last_brace + 1] + "\n" if last_brace >= 0 else None
    starts = [i for i, line in enumerate(lines) if re.match(r"(import |from \w+ import |def \w+\()", line)]
    if not starts:
        return None
    code = "\n".join(lines[starts[0] :]).rstrip() + "\n"
    return code if _looks_like("python", code) else None


def extract_code(completion: str, language: str = "cpp") -> Extraction:
    if language not in LANGUAGE_TAGS:
        raise ValueError(f"unknown language {language!r}")
    text = strip_reasoning(completion)
    blocks = _blocks(text)
    tags = LANGUAGE_TAGS[language]
    tagged = [b for b in blocks if b.closed and b.tag in tags and b.body.strip()]
    if tagged:
        return Extraction(CodeStatus.OK, _tidy(tagged[-1].body))
    plain = [b for b in blocks if b.closed and not b.tag and _looks_like(language, b.body)]
    if plain:
        return Extraction(CodeStatus.OK, _tidy(plain[-1].body), "untagged fence")
    unclosed = [b for b in blocks if not b.closed and (b.tag in tags or not b.tag) and b.body.strip()]
    if unclosed:
        return Extraction(CodeStatus.TRUNCATED, _tidy(unclosed[-1].body), "fence never closed")
    if not blocks:
        code = _unfenced(language, text)
        if code:
            return Extraction(CodeStatus.OK, code, "no fence")
    if not text.strip() and completion.strip():
        return Extraction(CodeStatus.NO_CODE, "", "only reasoning")
    other = sorted({b.tag for b in blocks if b.tag and b.tag not in tags})
    if other:
        return Extraction(CodeStatus.NO_CODE, "", f"code only in other languages: {', '.join(other)}")
    return Extraction(CodeStatus.NO_CODE, "", "no code block")


def _tidy(code: str) -> str:
    return code.strip("\n") + "\n"
