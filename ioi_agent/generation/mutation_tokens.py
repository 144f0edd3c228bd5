"""Source mutations, the text layer: a lossless tokenizer for C++ and Python and the `Program` the
operators edit (`mutation_ops.py` semantic, `mutation_cosmetic.py` cosmetic; see `mutants.py`).

Everything is textual. A program is a list of tokens whose texts join back to the source exactly; an
operator edits tokens (never inside a string, a comment or a C++ preprocessor line) and returns the new
source with a short description, or None where it does not apply. Nothing here parses the language:
heuristics keep most results compiling, and a mutant that does not compile is still a realistic candidate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import NamedTuple


class Tok(NamedTuple):
    # ws, nl (Python: a newline that ends a logical line), comment, string, preproc, number, ident, op
    kind: str
    text: str


_CPP_OPS = "<=> >>= <<= ->* ... :: -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^=".split()
_PY_OPS = "**= //= >>= <<= ... -> := ** // << >> <= >= == != += -= *= /= %= &= |= ^= @=".split()
_NUMBER = (
    r"(?:0[xX][0-9a-fA-F'_]+|0[bB][01'_]+|(?:\d[\d'_]*\.?[\d'_]*|\.\d[\d'_]*)(?:[eE][+-]?\d+)?)[uUlLfFjJzZ]*"
)


def _alternatives(ops: list[str]) -> str:
    return "|".join(re.escape(o) for o in sorted(ops, key=len, reverse=True)) + r"|[^\w\s]"


_CPP_RE = re.compile(
    r"(?P<ws>\s+)|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r'|(?P<raw>(?:u8|[uUL])?R"(?P<d>[^()\\\s]{0,16})\(.*?\)(?P=d)")'
    r'|(?P<string>(?:u8|[uUL])?(?:"(?:[^"\\\n]|\\.)*"?|\'(?:[^\'\\\n]|\\.)*\'?))'
    rf"|(?P<number>{_NUMBER})|(?P<ident>[A-Za-z_]\w*)|(?P<op>{_alternatives(_CPP_OPS)})",
    re.S,
)
_PY_RE = re.compile(
    r"(?P<nl>\r?\n)|(?P<ws>[ \t\f]+|\\\r?\n)|(?P<comment>#[^\r\n]*)"
    r"|(?P<string>(?:[rRbBuUfF]{1,2})?(?:'''(?:\\.|.)*?(?:'''|\Z)|\"\"\"(?:\\.|.)*?(?:\"\"\"|\Z)"
    r"|'(?:[^'\\\n]|\\.)*'?|\"(?:[^\"\\\n]|\\.)*\"?))"
    rf"|(?P<number>{_NUMBER})|(?P<ident>[^\W\d]\w*)|(?P<op>{_alternatives(_PY_OPS)})",
    re.S,
)


def tokenize(code: str, lang: str) -> list[Tok]:
    toks: list[Tok] = []
    pos, depth = 0, 0
    while pos < len(code):
        if lang == "cpp" and code[pos] == "#" and not code[code.rfind("\n", 0, pos) + 1 : pos].strip():
            end = pos
            while True:  # a directive runs to the first newline not escaped by a backslash
                end = code.find("\n", end)
                if end < 0 or code[end - 1] != "\\":
                    break
                end += 1
            end = len(code) if end < 0 else end
            toks.append(Tok("preproc", code[pos:end]))
            pos = end
            continue
        m = (_CPP_RE if lang == "cpp" else _PY_RE).match(code, pos)
        assert m is not None and m.end() > pos  # the last alternative takes any single character
        kind, text = ("string" if m.lastgroup in ("raw", "d") else m.lastgroup or "op"), m.group()
        if kind == "op" and lang == "python":
            depth += (text in "([{") - (text in ")]}")
        if kind == "nl" and depth > 0:  # inside brackets a newline does not end the logical line
            kind = "ws"
        toks.append(Tok(kind, text))
        pos = m.end()
    return toks


def join(toks: list[Tok]) -> str:
    return "".join(t.text for t in toks)


SKIP = ("ws", "nl", "comment")


def next_sig(toks: list[Tok], i: int) -> int:
    i += 1
    while i < len(toks) and toks[i].kind in SKIP:
        i += 1
    return i


def prev_sig(toks: list[Tok], i: int) -> int:
    i -= 1
    while i >= 0 and toks[i].kind in SKIP:
        i -= 1
    return i


def text_at(toks: list[Tok], i: int) -> str:
    return toks[i].text if 0 <= i < len(toks) else ""


def match_close(toks: list[Tok], i: int) -> int:
    """Index of the bracket closing the one at `i`, or -1."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opening, depth = toks[i].text, 0
    for j in range(i, len(toks)):
        if toks[j].kind != "op":
            continue
        depth += (toks[j].text == opening) - (toks[j].text == pairs[opening])
        if depth == 0:
            return j
    return -1


def line_of(toks: list[Tok], i: int) -> int:
    return 1 + sum(t.text.count("\n") for t in toks[:i])


@dataclass
class Program:
    code: str
    lang: str  # "cpp" or "python"
    toks: list[Tok] = field(default_factory=list)
    idents: set[str] = field(default_factory=set)
    angles: set[int] = field(default_factory=set)  # C++ '<' '>' '>>' tokens that bracket template arguments

    @classmethod
    def parse(cls, code: str, lang: str) -> Program:
        toks = tokenize(code, lang)
        idents = {t.text for t in toks if t.kind == "ident"}
        idents |= {w for t in toks if t.kind != "ident" for w in re.findall(r"[A-Za-z_]\w*", t.text)}
        return cls(code, lang, toks, idents, _template_angles(toks) if lang == "cpp" else set())

    def fresh(self, base: str) -> str:
        name, n = base, 0
        while name in self.idents:
            n += 1
            name = f"{base}{n}"
        self.idents.add(name)
        return name


Edit = tuple[str, str]  # (new source, what changed)
Operator = Callable[[Program, Random], Edit | None]

TYPE_WORDS = set(
    "int long short char bool double float auto unsigned signed size_t ll LL ull ld i64 u64 int64_t uint64_t "
    "int32_t uint32_t string pii pll const void".split()
)
TEMPLATE_NAMES = set(
    "vector array pair map set multiset multimap unordered_map unordered_set priority_queue queue deque stack list "
    "tuple bitset function greater less greater_equal less_equal equal_to hash basic_string numeric_limits "
    "static_cast dynamic_cast reinterpret_cast const_cast make_pair make_tuple get max min swap optional "
    "variant span complex shared_ptr unique_ptr make_shared make_unique template tree gp_hash_table atomic "
    "initializer_list is_same enable_if conditional uniform_int_distribution".split()
)


def _template_angles(toks: list[Tok]) -> set[int]:
    names = set(TEMPLATE_NAMES)
    for i, t in enumerate(toks):  # class templates the program declares itself
        if t.text in ("struct", "class") and "template" in {x.text for x in toks[max(0, i - 40) : i]}:
            names.add(text_at(toks, next_sig(toks, i)))
    marked: set[int] = set()
    for i, t in enumerate(toks):
        if t.text != "<" or i in marked:
            continue
        p, n = prev_sig(toks, i), next_sig(toks, i)
        if not (
            text_at(toks, p) in names
            or (p >= 0 and toks[p].kind == "ident" and text_at(toks, n) in TYPE_WORDS)
        ):
            continue
        depth = 0
        for j in range(i, len(toks)):
            x = toks[j].text
            if x in (";", "{", "}"):
                break
            if x in ("<", ">", ">>"):
                marked.add(j)
                depth += {"<": 1, ">": -1, ">>": -2}[x]
                if depth <= 0:
                    break
    return marked


def replace_at(p: Program, edits: dict[int, str]) -> str:
    return "".join(edits.get(i, t.text) for i, t in enumerate(p.toks))


@dataclass
class PyLine:
    start: int  # first token index
    end: int  # one past the last token (its newline included)
    indent: int  # width of the leading whitespace
    first: int  # first significant token, or -1 on a blank or comment-only line


def py_lines(toks: list[Tok]) -> list[PyLine]:
    lines, start = [], 0
    for i in range(len(toks) + 1):
        if i == len(toks) or toks[i].kind == "nl":
            end = min(i + 1, len(toks))
            if start < end:
                indent = len(toks[start].text.expandtabs(8)) if toks[start].kind == "ws" else 0
                first = next((k for k in range(start, end) if toks[k].kind not in SKIP), -1)
                lines.append(PyLine(start, end, indent, first))
            start = i + 1
    return lines
