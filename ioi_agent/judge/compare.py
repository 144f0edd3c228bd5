"""Host-side reading of a program's output: the built-in token comparison and the output digest, in
time linear in the output's length and memory bounded by a constant beyond the output itself.

A hostile output (a mebibyte of spaces, one line of 64 MiB, tens of millions of tokens) must cost the
judge no more than an honest one of its size. So nothing here runs a pattern that can backtrack over the
whole text (a lookahead over a run of spaces is quadratic in the run), nothing splits the whole text into
one list (a token is a Python object of about 40 bytes: 32 M tokens would be over a gigabyte), and no
single C call runs over more than a window of about a mebibyte: the interpreter gets back between windows,
so a SIGTERM or ^C handler runs (a regular-expression search holds the GIL until it ends, and a signal is
only handled between bytecodes). The text is cut into chunks at whitespace and each chunk split on its own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from ioi_agent.judge.numbers import kattis_float

# ASCII whitespace, as C's isspace in the C locale and Python's bytes.split() see it.
SPACE = b" \t\n\r\x0b\x0c"
LINE_SPACE = b" \t\r\x0b\x0c"  # whitespace that ends a line before its \n (the digest drops it)
CHUNK = 1 << 16  # bytes split at a time (a chunk holds at most CHUNK / 2 tokens)
WINDOW = 1 << 20  # bytes one C-level search scans before the interpreter runs again
BATCH = 4096  # tokens of each side compared as one list first

_ONE_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]")
_WORD_START = re.compile(rb"(?<=[ \t\n\r\x0b\x0c])[^ \t\n\r\x0b\x0c]")
_SPACE_RUNS = re.compile(rb"([ \t\n\r\x0b\x0c]+)")


def _search(pattern: re.Pattern[bytes], data: bytes, start: int, end: int) -> int:
    """Where `pattern` first matches in data[start:end] (a one-byte match, possibly looking one byte
    back), or `end`; searched a window at a time."""
    while start < end:
        stop = min(end, start + WINDOW)
        found = pattern.search(data, start, stop)
        if found:
            return found.start()
        start = stop
    return end


def stripped_bounds(data: bytes) -> tuple[int, int]:
    """(start, end) of data.strip(), found without copying the data."""
    start = 0
    while start < len(data) and not data[start : start + CHUNK].lstrip(SPACE):
        start += CHUNK
    if start >= len(data):
        return len(data), len(data)
    head = data[start : start + CHUNK]
    return start + len(head) - len(head.lstrip(SPACE)), rstripped_end(data)


def rstripped_end(data: bytes) -> int:
    """len(data.rstrip()), found without copying the data."""
    end = len(data)
    while end > 0 and not data[max(0, end - CHUNK) : end].rstrip(SPACE):
        end = max(0, end - CHUNK)
    tail = data[max(0, end - CHUNK) : end]
    return end - (len(tail) - len(tail.rstrip(SPACE)))


class _Batched:
    """Items of a text read a chunk at a time (`_chunks`) and handed out in lists."""

    def __init__(self) -> None:
        self.buffer: list[bytes] = []
        self.at = 0
        self.taken = 0  # items handed out so far

    def _chunks(self) -> Iterator[list[bytes]]:
        raise NotImplementedError

    def _refill(self) -> bool:
        for parts in self._chunks():
            self.buffer = self.buffer[self.at :] + parts
            self.at = 0
            return True
        return False

    def take(self, n: int) -> list[bytes]:
        """The next `n` items (fewer only at the end)."""
        while len(self.buffer) - self.at < n and self._refill():
            pass
        out = self.buffer[self.at : self.at + n]
        self.at += len(out)
        self.taken += len(out)
        return out

    def rest(self) -> Iterator[list[bytes]]:
        """The items not handed out yet, a chunk at a time."""
        yield self.buffer[self.at :]
        self.buffer, self.at = [], 0
        yield from self._chunks()

    def total(self) -> int:
        """How many items there are in all (reads the rest)."""
        return self.taken + sum(len(parts) for parts in self.rest())


class Tokens(_Batched):
    """The tokens of `data` (whitespace-separated, as `bytes.split()`), or with `keep_space` the
    tokens and the whitespace runs between them (as `re.split(rb"(\\s+)", data.strip())`)."""

    def __init__(self, data: bytes, keep_space: bool = False):
        super().__init__()
        self.data = data
        self.keep_space = keep_space
        self.pos, self.end = stripped_bounds(data)

    def _chunks(self) -> Iterator[list[bytes]]:
        while self.pos < self.end:
            # Cut after whole tokens (and, keeping space, after a whole run of space): at the first
            # space (the first start of a token) at or after CHUNK bytes.
            pattern = _WORD_START if self.keep_space else _ONE_SPACE
            cut = _search(pattern, self.data, min(self.end, self.pos + CHUNK), self.end)
            chunk = self.data[self.pos : cut]
            self.pos = cut
            if not self.keep_space:
                yield chunk.split()
                continue
            parts = _SPACE_RUNS.split(chunk)
            if parts and not parts[-1]:  # the chunk ended with its run of space: no empty token
                parts.pop()
            yield parts


class Lines(_Batched):
    """The lines of `data` as CMS reads them (each ends after its \\n, or at the end of the data), each
    with its whitespace runs made one space and its ends stripped."""

    def __init__(self, data: bytes):
        super().__init__()
        self.data = data
        self.pos = 0

    def _chunks(self) -> Iterator[list[bytes]]:
        size = len(self.data)
        while self.pos < size:
            newline = self.data.find(b"\n", min(size, self.pos + CHUNK))
            cut = size if newline < 0 else newline + 1
            parts = self.data[self.pos : cut].split(b"\n")
            if not parts[-1]:  # the chunk ended with its \n: nothing after it is a line
                parts.pop()
            self.pos = cut
            yield [_canonical(part) for part in parts]


def _canonical(line: bytes) -> bytes:
    """The line with its whitespace runs made one space and its ends stripped; a long line a chunk at a
    time (cut at a space), so that no list of all its tokens is made."""
    if len(line) <= CHUNK:
        return b" ".join(line.split())
    pieces, pos = [], 0
    while pos < len(line):
        cut = _search(_ONE_SPACE, line, min(len(line), pos + CHUNK), len(line))
        piece = b" ".join(line[pos:cut].split())
        if piece:
            pieces.append(piece)
        pos = cut
    return b" ".join(pieces)


def white_diff(output: bytes, answer: bytes) -> tuple[bool, str]:
    """CMS's white diff (see `scoring.cms.white_diff`), a batch of lines at a time: (equal, message)."""
    got, want = Lines(output), Lines(answer)
    while True:
        start = got.taken
        g, w = got.take(BATCH), want.take(BATCH)
        if g != w:
            for i, (a, b) in enumerate(zip(g, w, strict=False)):
                if a != b:
                    return False, f"line {start + i + 1}: expected {b[:100]!r}, got {a[:100]!r}"
        if len(g) != len(w):
            # Only blank lines may follow on the longer side.
            longer, extra = (got, g[len(w) :]) if len(g) > len(w) else (want, w[len(g) :])
            if any(extra) or any(any(parts) for parts in longer.rest()):
                return False, f"contestant output too {'long' if longer is got else 'short'}"
            return True, ""
        if not g:
            return True, ""


def first_difference(
    output: bytes,
    answer: bytes,
    *,
    case_sensitive: bool,
    keep_space: bool,
    abs_tol: float | None,
    rel_tol: float | None,
) -> str | None:
    """None when the outputs match as problemtools' default validator compares tokens, else why not.

    A token of the answer that is a float (`numbers.kattis_float`), when a tolerance is given, must be
    met by a float within either tolerance; any other token by the same text (ASCII case folded unless
    `case_sensitive`)."""
    use_floats = abs_tol is not None or rel_tol is not None
    got, want = Tokens(output, keep_space), Tokens(answer, keep_space)
    while True:
        start = got.taken
        g, w = got.take(BATCH), want.take(BATCH)
        if g != w and (case_sensitive or [t.lower() for t in g] != [t.lower() for t in w]):
            for i, (a, b) in enumerate(zip(g, w, strict=False)):
                if not _same(a, b, case_sensitive, use_floats, abs_tol, rel_tol):
                    return f"token {start + i + 1}: expected {b[:40]!r}, got {a[:40]!r}"
        if len(g) != len(w):
            return f"expected {want.total()} tokens, got {got.total()}"
        if not g:
            return None


def _same(
    got: bytes,
    want: bytes,
    case_sensitive: bool,
    use_floats: bool,
    abs_tol: float | None,
    rel_tol: float | None,
) -> bool:
    if use_floats:
        expected = kattis_float(want)
        if expected is not None:
            value = kattis_float(got)
            return value is not None and _close(value, expected, abs_tol, rel_tol)
    return got == want or (not case_sensitive and got.lower() == want.lower())


def _close(got: float, want: float, abs_tol: float | None, rel_tol: float | None) -> bool:
    err = abs(got - want)
    if abs_tol is not None and err <= abs_tol:
        return True
    return rel_tol is not None and err <= rel_tol * abs(want)


def digest_of(data: bytes) -> str:
    """SHA-256 of an output normalised so that outputs a token checker treats alike mostly hash alike:
    whitespace (but \\n) at the end of each line and trailing whitespace are dropped. Equal to hashing
    `re.sub(rb"[ \\t\\r\\f\\v]+(?=\\n)", b"", data).rstrip()`, in linear time: a chunk ends after a \\n, and
    a chunk with no space before any \\n (most often every chunk) is hashed as it is."""
    h = hashlib.sha256()
    end = rstripped_end(data)  # the text ends with a byte that is not space: its last line is whole
    pos = 0
    while pos < end:
        newline = data.find(b"\n", min(end, pos + CHUNK), end)
        cut = end if newline < 0 else newline + 1
        chunk = data[pos:cut]
        pos = cut
        if any(space + b"\n" in chunk for space in (b" ", b"\t", b"\r", b"\x0b", b"\x0c")):
            chunk = b"\n".join(line.rstrip(LINE_SPACE) for line in chunk.split(b"\n"))
        h.update(chunk)
    return h.hexdigest()
