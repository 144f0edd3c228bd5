"""Cosmetic source mutations for mutant candidates (see `mutants.py`): the same program as a model would
write it again (renamed variables, another layout), on the tokens of `mutation_tokens`."""

from __future__ import annotations

import builtins
import keyword
import re
from random import Random

from ioi_agent.generation.mutation_tokens import (
    SKIP,
    TEMPLATE_NAMES,
    TYPE_WORDS,
    Edit,
    Operator,
    Program,
    Tok,
    match_close,
    next_sig,
    prev_sig,
    py_lines,
    replace_at,
    text_at,
)

# --- cosmetic: the same program as a model would write it again ------------------------------------------

_CPP_KEYWORDS = set(
    "alignas alignof and asm auto bool break case catch char class const constexpr continue decltype default "
    "delete do double else enum explicit extern false float for friend goto if inline int long mutable "
    "namespace new noexcept not nullptr operator or private protected public register return short signed "
    "sizeof static struct switch template this throw true try typedef typename union unsigned using virtual "
    "void volatile while main std".split()
)
_PY_RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls", "_", "main"}
# Short names models use; none is a std:: or builtin name, so a renamed global never becomes ambiguous.
_NEW_NAMES = (
    "res ans total cnt cur tmp val acc pos idx best sz lo hi mid arr vec buf num k m p q t u w z".split()
)


def _depths(toks: list[Tok]) -> list[int]:
    out, depth = [], 0
    for x in toks:
        if x.kind == "op" and x.text in ")]}":
            depth -= 1
        out.append(depth)
        if x.kind == "op" and x.text in "([{":
            depth += 1
    return out


def _renamable(p: Program) -> list[str]:
    t, depth = p.toks, _depths(p.toks)
    declared: set[str] = set()
    banned: set[str] = set()
    imports: set[int] = set()  # Python: tokens of import statements
    params: set[int] = set()  # Python: tokens inside a `def` header's parentheses
    for line in py_lines(t) if p.lang == "python" else []:
        if line.first >= 0 and t[line.first].text in ("import", "from"):
            imports.update(range(line.first, line.end))
        lp = next_sig(t, next_sig(t, line.first))
        if line.first >= 0 and t[line.first].text == "def" and text_at(t, lp) == "(":
            params.update(range(lp, max(match_close(t, lp), lp)))
    for i, x in enumerate(t):
        if x.kind != "ident":
            if x.kind == "preproc" or (x.kind == "string" and x.text[:2].lower() in ("f'", 'f"', "rf", "fr")):
                banned.update(
                    re.findall(r"[A-Za-z_]\w*", x.text)
                )  # macros and f-strings name variables unseen
            continue
        pv, nx = prev_sig(t, i), next_sig(t, i)
        before, after = text_at(t, pv), text_at(t, nx)
        if before in (".", "->", "::") or after == "::":
            banned.add(x.text)  # members and namespaces: their other uses are out of sight
        if p.lang == "cpp":
            decl = before in TYPE_WORDS - {"const"} or (pv in p.angles and before == ">")
            decl = decl or (before in ("*", "&") and text_at(t, prev_sig(t, pv)) in TYPE_WORDS)
            if after == "(" and (not decl or depth[i] == 0):
                banned.add(x.text)  # a function, or a call of one
            elif decl:
                declared.add(x.text)
            continue
        k = i - 1
        while k >= 0 and t[k].kind == "ws":
            k -= 1
        line_start = k < 0 or t[k].kind == "nl"
        if after == "(" or (after == "=" and depth[i] > 0) or i in imports:
            banned.add(x.text)  # calls, keyword arguments, parameters with defaults, imported names
        elif before == "for" or (before == "," and depth[i] == 0 and after in ("in", "=", ",")):
            declared.add(x.text)
        elif after in ("=", ":", ",") and depth[i] == 0 and line_start:
            declared.add(x.text)
        elif i in params and before in ("(", ",", "*", "**") and after in (",", ")", ":"):
            declared.add(x.text)
    reserved = _CPP_KEYWORDS | TYPE_WORDS | TEMPLATE_NAMES if p.lang == "cpp" else _PY_RESERVED
    return sorted(declared - banned - reserved)


def op_rename(p: Program, rng: Random) -> Edit | None:
    """Renamed variables (one to three, every occurrence)."""
    names = _renamable(p)
    if not names:
        return None
    chosen = rng.sample(names, rng.randint(1, min(3, len(names))))
    pool = [n for n in _NEW_NAMES if n not in p.idents]
    mapping = {old: (pool.pop(rng.randrange(len(pool))) if pool else p.fresh("v")) for old in chosen}
    for new in mapping.values():
        p.idents.add(new)
    edits = {i: mapping[x.text] for i, x in enumerate(p.toks) if x.kind == "ident" and x.text in mapping}
    return replace_at(p, edits), "rename: " + ", ".join(f"{a} -> {b}" for a, b in mapping.items())


def _unit(widths: list[int]) -> int:
    nonzero = [w for w in widths if w > 0]
    return min(nonzero) if nonzero else 0


def op_reformat(p: Program, rng: Random) -> Edit | None:
    """Reformatted: comments removed, another indentation width, blank lines collapsed, spacing around
    `=` changed; what the program does is untouched."""
    t, notes = p.toks, []
    drop_comments = any(x.kind == "comment" for x in t) and rng.random() < 0.8
    blank_max = rng.choice([0, 1])
    eq_spaces = rng.choice([True, False])
    if p.lang == "cpp":
        leading = [
            len(x.text.rsplit("\n", 1)[1].expandtabs(4)) for x in t if x.kind == "ws" and "\n" in x.text
        ]
    else:
        leading = [ln.indent for ln in py_lines(t) if ln.first >= 0]
    old = _unit(leading)
    new = rng.choice([w for w in (2, 4, 8) if w != old])
    if p.lang == "python" and (
        any(w % max(old, 1) for w in leading) or any("\t" in x.text for x in t if x.kind == "ws")
    ):
        new = old  # indentation is syntax here: only change a clean one
    depth = _depths(t)
    eqs = {
        i for i, x in enumerate(t) if x.kind == "op" and x.text == "=" and (p.lang == "cpp" or depth[i] == 0)
    }
    out: list[str] = []
    for i, x in enumerate(t):
        text = x.text
        if x.kind == "comment" and drop_comments:
            glued = 0 < i < len(t) - 1 and t[i - 1].kind not in SKIP and t[i + 1].kind not in SKIP
            text = " " if glued else ""  # `a/**/b` must not become `ab`
        elif i in eqs:
            text = " = " if eq_spaces else "="
        elif x.kind == "ws" and "\n" not in x.text and (i - 1 in eqs or i + 1 in eqs):
            text = ""
        out.append(text)
    code = _respace(out, t, old, new, blank_max, p.lang == "cpp")
    notes += ["comments removed"] if drop_comments else []
    notes += [f"indent {old} -> {new}"] if new != old and old else []
    notes += [f"spaces around = {'added' if eq_spaces else 'removed'}", f"at most {blank_max} blank line(s)"]
    if code == p.code:
        code += "\n"
        notes.append("a trailing blank line")
    return code, "reformat: " + ", ".join(notes)


def _respace(texts: list[str], toks: list[Tok], old: int, new: int, blank_max: int, any_width: bool) -> str:
    """Join tokens again with new indentation, no trailing spaces and at most `blank_max` blank lines in a
    row; a line inside a multi-line string, comment or directive is left exactly as it is."""
    inside, opens, line = set(), set(), 0
    for text, x in zip(texts, toks, strict=True):
        n = text.count("\n") if x.kind in ("string", "comment", "preproc") else 0
        if n:
            opens.add(line)
            inside.update(range(line + 1, line + n + 1))
        line += text.count("\n")
    out: list[str] = []
    blanks = 0
    for n, raw in enumerate("".join(texts).split("\n")):
        if n in inside:
            out.append(raw)
            blanks = 0
            continue
        stripped = raw if n in opens else raw.rstrip()
        if not stripped.strip():
            blanks += 1
            if blanks <= blank_max and out:
                out.append("")
            continue
        blanks = 0
        body = stripped.lstrip(" \t")
        width = len(stripped[: len(stripped) - len(body)].expandtabs(4))
        if old and new != old and (any_width or width % old == 0):
            width = width // old * new + width % old
        out.append(" " * width + body)
    return "\n".join(out).rstrip("\n") + "\n"


COSMETIC_OPS: dict[str, Operator] = {"rename": op_rename, "reformat": op_reformat}
