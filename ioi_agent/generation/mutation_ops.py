"""Semantic source mutations for mutant candidates (see `mutants.py`): the kinds of error models make
(bounds, constants, comparisons, types, guards, exits, slower loops), on the tokens of `mutation_tokens`."""

from __future__ import annotations

import re
from random import Random

from ioi_agent.generation.mutation_tokens import (
    TYPE_WORDS,
    Edit,
    Operator,
    Program,
    PyLine,
    Tok,
    join,
    line_of,
    match_close,
    next_sig,
    prev_sig,
    py_lines,
    replace_at,
    text_at,
)


def _cmp_sites(p: Program, ops: set[str]) -> list[int]:
    return [
        i
        for i, t in enumerate(p.toks)
        if t.kind == "op"
        and t.text in ops
        and i not in p.angles
        and text_at(p.toks, prev_sig(p.toks, i)) != "operator"
    ]


def _swap_op(p: Program, rng: Random, table: dict[str, str], what: str) -> Edit | None:
    sites = _cmp_sites(p, set(table))
    if p.lang == "python":
        sites += [i for i, t in enumerate(p.toks) if t.kind == "ident" and t.text in table]
    else:  # `T&& x` is a reference, not a conjunction
        sites = [
            i
            for i in sites
            if p.toks[i].text != "&&" or text_at(p.toks, prev_sig(p.toks, i)) not in TYPE_WORDS
        ]
    if not sites:
        return None
    i = rng.choice(sites)
    old = p.toks[i].text
    return replace_at(p, {i: table[old]}), f"{what}: line {line_of(p.toks, i)} {old!r} -> {table[old]!r}"


def op_boundary(p: Program, rng: Random) -> Edit | None:
    """Off by one in a bound: `<` <-> `<=`, `>` <-> `>=`."""
    return _swap_op(p, rng, {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}, "boundary")


def op_flip_cmp(p: Program, rng: Random) -> Edit | None:
    """A comparison the wrong way round: `<` <-> `>`, `<=` <-> `>=`, `==` <-> `!=`."""
    return _swap_op(p, rng, {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "!=", "!=": "=="}, "flip_cmp")


def op_logic(p: Program, rng: Random) -> Edit | None:
    """A weakened or strengthened condition: `&&` <-> `||` (`and` <-> `or`)."""
    table = {"and": "or", "or": "and"} if p.lang == "python" else {"&&": "||", "||": "&&"}
    return _swap_op(p, rng, table, "logic")


def op_off_by_one(p: Program, rng: Random) -> Edit | None:
    """An integer constant one off (`n` -> `n+1` / `n-1`), or `+ 1` <-> `- 1`."""
    sites: list[tuple[int, str]] = []
    for i, t in enumerate(p.toks):
        m = re.fullmatch(r"(0|[1-9]\d*)([uUlL]*)", t.text) if t.kind == "number" else None
        prev = text_at(p.toks, prev_sig(p.toks, i))
        if m and prev != "return":
            value = int(m.group(1))
            bump = value + 1 if value == 0 or rng.random() < 0.5 else value - 1
            sites.append((i, f"{bump}{m.group(2)}"))
            if value == 1 and prev in ("+", "-"):
                before = p.toks[prev_sig(p.toks, prev_sig(p.toks, i))]
                if before.kind in ("ident", "number") or before.text in (")", "]"):
                    k = prev_sig(p.toks, i)
                    sites += [(k, "-" if prev == "+" else "+")] * 2  # the classic `+1` / `-1` slip
    if not sites:
        return None
    i, new = rng.choice(sites)
    return replace_at(p, {i: new}), f"off_by_one: line {line_of(p.toks, i)} {p.toks[i].text!r} -> {new!r}"


def op_narrow_type(p: Program, rng: Random) -> Edit | None:
    """C++: a type too narrow (`long long` -> `int`, `int64_t` -> `int32_t`, `double` -> `float`), in one
    declaration or everywhere (with the matching printf/scanf formats and literal suffixes); Python: `//`
    -> `/`, a float where an int was meant."""
    t = p.toks
    if p.lang == "python":
        sites = [i for i, x in enumerate(t) if x.kind == "op" and x.text in ("//", "//=")]
        if not sites:
            return None
        i = rng.choice(sites)
        return replace_at(
            p, {i: t[i].text[1:]}
        ), f"narrow_type: line {line_of(t, i)} {t[i].text!r} -> {t[i].text[1:]!r}"
    kinds: dict[str, list[tuple[int, int, str]]] = {}  # kind -> (first token, last token, replacement)
    for i, x in enumerate(t):
        n = next_sig(t, i)
        if x.text == "long" and text_at(t, n) == "long" and n == i + 2:
            first = prev_sig(t, i) if text_at(t, prev_sig(t, i)) in ("unsigned", "signed") else i
            kinds.setdefault("long long", []).append(
                (first, n, "unsigned" if t[first].text == "unsigned" else "int")
            )
        elif x.text == "long" and text_at(t, n) == "double" and n == i + 2:
            kinds.setdefault("long double", []).append((i, n, "double"))
        elif x.text == "double" and text_at(t, prev_sig(t, i)) != "long":
            kinds.setdefault("double", []).append((i, i, "float"))
        elif x.text in ("int64_t", "uint64_t", "__int128"):
            new = {"int64_t": "int32_t", "uint64_t": "uint32_t", "__int128": "long long"}[x.text]
            kinds.setdefault(x.text, []).append((i, i, new))
    if not kinds:
        return None
    names = sorted(kinds)
    kind = rng.choices(names, [3.0 if k == "long long" else 1.0 for k in names])[0]
    sites = kinds[kind]
    everywhere = rng.random() < 0.6
    chosen = sites if everywhere else [rng.choice(sites)]
    out = [x.text for x in t]
    for first, last, new in chosen:
        out[first : last + 1] = [new] + [""] * (last - first)
    if everywhere and kind in ("long long", "double", "long double"):
        formats = {"long long": ("%ll", "%"), "double": ("%lf", "%f"), "long double": ("%Lf", "%f")}[kind]
        for i, x in enumerate(t):
            if x.kind == "string":
                out[i] = out[i].replace(*formats)
            elif kind == "long long" and x.kind == "number" and re.fullmatch(r"\d+[uU]?(ll|LL)", x.text):
                out[i] = re.sub(r"(ll|LL)$", "", x.text)
            elif kind == "long long" and x.kind == "preproc":
                out[i] = re.sub(r"\blong\s+long\b", "int", x.text)
    where = "everywhere" if everywhere else f"line {line_of(t, chosen[0][0])}"
    return "".join(out), f"narrow_type: {kind} -> {chosen[0][2]} ({where})"


_EXITS = ("return", "continue", "break", "exit", "quit", "abort", "_Exit")
_READS = re.compile(r"\b(scanf|cin|getline|getchar|read|input|fread|gets)\b")


def op_drop_guard(p: Program, rng: Random) -> Edit | None:
    """A missing edge case: an `if (...) ...; return/continue/break` guard removed."""
    return (_drop_guard_py if p.lang == "python" else _drop_guard_cpp)(p, rng)


def _drop_guard_cpp(p: Program, rng: Random) -> Edit | None:
    t, spans = p.toks, []
    for i, x in enumerate(t):
        if x.text != "if" or x.kind != "ident" or text_at(t, prev_sig(t, i)) not in (";", "{", "}", ""):
            continue
        lp = next_sig(t, i)
        if text_at(t, lp) != "(" or (rp := match_close(t, lp)) < 0 or _READS.search(join(t[lp:rp])):
            continue
        b = next_sig(t, rp)
        if text_at(t, b) == "{":
            end = match_close(t, b)
        else:
            end = b
            while end < len(t) and t[end].text not in (";", "{", "}"):
                end += 1
            end = end if text_at(t, end) == ";" else -1
        body = {y.text for y in t[b : end + 1]}
        if end < 0 or end - b > 80 or not body & set(_EXITS) or text_at(t, next_sig(t, end)) == "else":
            continue
        spans.append((i, end))
    if not spans:
        return None
    i, end = rng.choice(spans)
    while end + 1 < len(t) and t[end + 1].kind == "comment":
        end += 1  # the guard's own trailing comment goes with it
    edits = {k: "" for k in range(i, end + 1)}
    return replace_at(
        p, edits
    ), f"drop_guard: line {line_of(t, i)} `{join(t[i : end + 1]).split(chr(10))[0][:60]}`"


def _header_colon(toks: list[Tok], line: PyLine) -> int:
    """The `:` ending a compound statement's header on this line (at bracket depth 0), or -1."""
    depth = 0
    for k in range(line.first, line.end):
        x = toks[k].text
        depth += (x in "([{") - (x in ")]}") if toks[k].kind == "op" else 0
        if x == ":" and toks[k].kind == "op" and depth == 0:
            return k
    return -1


def _block(toks: list[Tok], lines: list[PyLine], n: int) -> tuple[int, list[PyLine]]:
    """Line `n` is a compound header ending in `:`: the index after its block and the block's code lines."""
    body, m = [], n + 1
    while m < len(lines) and (lines[m].first < 0 or lines[m].indent > lines[n].indent):
        if lines[m].first >= 0:
            body.append(lines[m])
        m += 1
    while m > n + 1 and lines[m - 1].first < 0:
        m -= 1  # trailing blank lines belong to what follows
    return m, body


def _drop_guard_py(p: Program, rng: Random) -> Edit | None:
    t, lines = p.toks, py_lines(p.toks)
    spans = []
    for n, line in enumerate(lines):
        if line.first < 0 or t[line.first].text != "if" or (colon := _header_colon(t, line)) < 0:
            continue
        if _READS.search(join(t[line.first : colon])):
            continue
        one_liner = next_sig(t, colon) < line.end - (t[line.end - 1].kind == "nl")
        m, body = (n + 1, [line]) if one_liner else _block(t, lines, n)
        last = body[-1] if body else None
        after = next((x for x in lines[m:] if x.first >= 0), None)
        if (
            last is None
            or len(body) > 4
            or (after and after.indent == line.indent and t[after.first].text in ("elif", "else"))
        ):
            continue
        tail = (
            [y.text for y in t[last.first : last.end] if y.kind == "ident"]
            if not one_liner
            else [y.text for y in t[colon : line.end]]
        )
        if not set(tail) & set(_EXITS):
            continue
        before = next((x for x in reversed(lines[:n]) if x.first >= 0), None)
        alone = (
            before is not None
            and before.indent < line.indent
            and (after is None or after.indent < line.indent)
        )
        spans.append((n, m, alone))
    if not spans:
        return None
    n, m, alone = rng.choice(spans)
    edits = {k: "" for k in range(lines[n].start, lines[m - 1].end)}
    if alone:  # the guard was the whole suite: keep it a valid block
        edits[lines[n].start] = " " * lines[n].indent + "pass\n"
    return (
        replace_at(p, edits),
        f"drop_guard: line {line_of(t, lines[n].first)} `{join(t[lines[n].first : lines[n].end]).strip()[:60]}`",
    )


_CPP_FOR = re.compile(
    r"^\s*(?:(?:unsigned\s+|signed\s+)?(?:long\s+long|int|long|ll|LL|size_t|unsigned|i64|int64_t)\s+)?"
    r"(?P<var>[A-Za-z_]\w*)\s*=\s*(?P<init>[^;]+?)\s*;\s*(?P=var)\s*(?P<cmp><=|<|!=|>=|>)\s*(?P<bound>[^;]+?)\s*;"
)


def _loops(p: Program) -> list[tuple[int, str, str, str]]:
    """Loops with a counter: (token index to insert at the start of the body, counter, indentation or "",
    the counter's range as a bound expression (C++) or the `range(...)` arguments (Python))."""
    t, out = p.toks, []
    if p.lang == "python":
        lines = py_lines(t)
        for n, line in enumerate(lines):
            if line.first < 0 or t[line.first].text != "for":
                continue
            header = join([y for y in t[line.first : line.end] if y.kind != "comment"]).strip()
            m = re.match(r"for\s+([A-Za-z_]\w*)\s+in\s+range\((.*)\)\s*:\s*$", header)
            nxt = next((x for x in lines[n + 1 :] if x.first >= 0), None)
            if m and nxt and nxt.indent > line.indent:
                indent = t[nxt.start].text if t[nxt.start].kind == "ws" else ""
                out.append((nxt.start, m.group(1), indent, m.group(2)))
        return out
    for i, x in enumerate(t):
        lp = next_sig(t, i)
        if x.text != "for" or text_at(t, lp) != "(" or (rp := match_close(t, lp)) < 0:
            continue
        m = _CPP_FOR.match(join(t[lp + 1 : rp]))
        if m and text_at(t, next_sig(t, rp)) == "{":
            bound = m.group("bound") if m.group("cmp") in ("<", "<=", "!=") else m.group("init")
            out.append((next_sig(t, rp) + 1, m.group("var"), "", bound))
    return out


def _insert(p: Program, at: int, text: str) -> str:
    return "".join(text + x.text if i == at else x.text for i, x in enumerate(p.toks)) + (
        text if at >= len(p.toks) else ""
    )


def op_early_exit(p: Program, rng: Random) -> Edit | None:
    """An early exit: `continue` -> `break`, or a loop that stops once its counter reaches a small cap (the
    program still passes small tests)."""
    t = p.toks
    conts = [i for i, x in enumerate(t) if x.kind == "ident" and x.text == "continue"]
    loops = _loops(p)
    if conts and (not loops or rng.random() < 0.5):
        i = rng.choice(conts)
        return replace_at(p, {i: "break"}), f"early_exit: line {line_of(t, i)} continue -> break"
    if not loops:
        return None
    at, var, indent, _ = rng.choice(loops)
    cap = rng.choice([2, 10, 100, 1000, 5000])
    stmt = f"{indent}if {var} == {cap}: break\n" if p.lang == "python" else f" if ({var} == {cap}) break;"
    return _insert(p, at, stmt), f"early_exit: line {line_of(t, at)} loop over {var} stops at {cap}"


def op_slow(p: Program, rng: Random) -> Edit | None:
    """A slower algorithm: a redundant loop over the same range inside a loop's body (O(n) -> O(n^2))."""
    loops = _loops(p)
    if not loops:
        return None
    at, var, indent, bound = rng.choice(loops)
    k = p.fresh("_k")
    if p.lang == "python":
        stmt = f"{indent}for {k} in range({bound}):\n{indent}    pass\n"
    else:
        sink = p.fresh("_sink")
        stmt = (
            f" {{ volatile long long {sink} = 0; for (long long {k} = 0; {k} < (long long)({bound}); ++{k}) "
            f"{sink} = {sink} + {k}; }}"
        )
    return _insert(
        p, at, stmt
    ), f"slow: line {line_of(p.toks, at)} a redundant loop over {bound.strip()} inside the loop over {var}"


SEMANTIC_OPS: dict[str, Operator] = {
    "boundary": op_boundary,
    "off_by_one": op_off_by_one,
    "flip_cmp": op_flip_cmp,
    "logic": op_logic,
    "narrow_type": op_narrow_type,
    "drop_guard": op_drop_guard,
    "early_exit": op_early_exit,
    "slow": op_slow,
}
# How often each is tried first: off-by-ones and bound slips dominate what models get wrong.
SEMANTIC_WEIGHTS = {
    "boundary": 3.0,
    "off_by_one": 3.0,
    "flip_cmp": 1.0,
    "logic": 1.0,
    "narrow_type": 1.5,
    "drop_guard": 1.5,
    "early_exit": 1.5,
    "slow": 1.5,
}
