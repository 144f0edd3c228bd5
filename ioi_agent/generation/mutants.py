"""Mutant candidates: N programs per problem derived from the package's own accepted and partial programs,
for stress tests and demos on a machine without a GPU. They are never model output, and every record says so.

Each mutant `i` of a problem is drawn with its own seed (from the run seed, the problem and `i`), so a run
is deterministic, a larger N adds only the new indices, and running again adds nothing. It is one of:

- **duplicate** (default 15%): an exact copy of a base program or of an earlier mutant (models repeat
  themselves, wrong programs included); it keeps the label of what it copies;
- **cosmetic** (15%): a base program or an earlier mutant renamed (`rename`: one to three variables) and/or
  reformatted (`reformat`: comments removed, another indentation, blank lines, spacing); it keeps the
  label of what it copies, since what it does is unchanged;
- **semantic** (70%): one semantic operator (`mutation_ops.SEMANTIC_OPS`: `boundary`, `off_by_one`,
  `flip_cmp`, `logic`, `narrow_type`, `drop_guard`, `early_exit`, `slow`), then in 30% of cases a cosmetic
  one on top. `slow` may instead take the package's brute-force program (a `time_limit_exceeded` one, or
  one named brute/naive/slow/quadratic) reworded cosmetically. Its label is unknown (None): a mutation can
  break a program or leave it correct, and only judging tells.

Bases: Kattis `submissions/{accepted,partially_accepted}/`, CMS `solutions/` of the matching verdicts;
C++ and Python only. A record is a `candidate` with `model` and `backend` "mutants", `source`
`mutant:<base path>#<op>+<op>` and `mutation` saying what changed where; its job hashes the problem, the
base (path and content), the operators, the run seed and `i`.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.mutation_cosmetic import COSMETIC_OPS
from ioi_agent.generation.mutation_ops import SEMANTIC_OPS, SEMANTIC_WEIGHTS
from ioi_agent.generation.mutation_tokens import Program
from ioi_agent.generation.pool import CodeStatus, PoolRecord, PoolWriter, RecordKind, job_id, sha256_text
from ioi_agent.generation.runner import RunSummary
from ioi_agent.judge.labels import ACCEPTED, PARTIAL
from ioi_agent.packages.model import Problem

MUTANTS = "mutants"  # the `model` and `backend` of every mutant record
LANGUAGES = {".cpp": "cpp", ".cc": "cpp", ".cxx": "cpp", ".py": "python"}
BRUTE_LABELS = {"time_limit_exceeded", "time_limit"}
BRUTE_WORDS = {"brute", "bruteforce", "naive", "slow", "quadratic", "n2", "cubic", "n3"}  # file-name words
COSMETIC_ON_SEMANTIC = 0.3  # a semantic mutant that is also reworded, as a model's own bug would be
FROM_EARLIER = 0.5  # a duplicate or cosmetic copy of an earlier mutant rather than of a base program


@dataclass(frozen=True)
class Mix:
    """What share of mutants is an exact duplicate, a cosmetic duplicate, a semantic mutant."""

    duplicate: float = 0.15
    cosmetic: float = 0.15
    semantic: float = 0.70

    def __post_init__(self) -> None:
        parts = (self.duplicate, self.cosmetic, self.semantic)
        if min(parts) < 0 or abs(sum(parts) - 1) > 1e-6:
            raise IoiAgentError(f"mutant mix {parts}: shares must be >= 0 and add up to 1")


DEFAULT_MIX = Mix()


@dataclass(frozen=True)
class Base:
    path: str  # relative to the package
    label: str
    language: str
    code: str
    sha: str


@dataclass(frozen=True)
class Mutant:
    index: int
    seed: int
    base: Base
    code: str
    ops: tuple[str, ...]  # semantic and cosmetic operators applied to the base, then "duplicate"
    category: str  # duplicate, cosmetic or semantic
    label: str | None
    description: str

    @property
    def source(self) -> str:
        return f"mutant:{self.base.path}#{'+'.join(self.ops)}"


def _base(problem: Problem, path: Path, label: str) -> Base | None:
    language = LANGUAGES.get(path.suffix)
    if language is None:
        return None
    code = path.read_text(encoding="utf-8", errors="replace")
    try:
        rel = path.relative_to(problem.root).as_posix()
    except ValueError:
        rel = str(path)
    return Base(rel, label, language, code, sha256_text(code))


def bases_of(problem: Problem) -> tuple[list[Base], list[Base]]:
    """(accepted and partial programs, brute-force programs) of a package, in package order."""
    good: list[Base] = []
    brute: list[Base] = []
    for sub in problem.submissions:
        word = getattr(sub, "verdict", None) or sub.label
        is_base = sub.label in ACCEPTED | PARTIAL or word in ACCEPTED | PARTIAL
        words = set(re.split(r"[^a-z0-9]+", sub.path.stem.lower()))
        is_brute = sub.label in BRUTE_LABELS or bool(words & BRUTE_WORDS) or "brute" in sub.path.stem.lower()
        if (is_base or is_brute) and (base := _base(problem, sub.path, sub.label)) is not None:
            (good if is_base else brute).append(base)
            if is_base and is_brute:
                brute.append(base)
    return good, brute


def sample_seed(problem: str, seed: int, index: int) -> int:
    digest = hashlib.sha256(f"mutant\0{problem}\0{seed}\0{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # fits a signed 64-bit integer


def _weighted_order(rng: random.Random, weights: dict[str, float]) -> list[str]:
    left, order = dict(weights), []
    while left:
        names = sorted(left)
        pick = rng.choices(names, [left[n] for n in names])[0]
        order.append(pick)
        del left[pick]
    return order


def _ops(first: tuple[str, ...], then: tuple[str, ...]) -> tuple[str, ...]:
    """The operators of a copy: the semantic one (or "brute") first, each cosmetic one once, then
    "duplicate" when the copy is exact."""
    done = [o for o in first if o != "duplicate"]
    head = [o for o in done if o not in COSMETIC_OPS]
    cosmetic = [o for o in COSMETIC_OPS if o in done or o in then]
    return (*head, *cosmetic, *(["duplicate"] if "duplicate" in then else []))


class MutantFactory:
    """The mutants of one problem: `mutant(i)` is a pure function of the bases, the run seed and `i`."""

    def __init__(self, problem: Problem, seed: int = 0, mix: Mix = DEFAULT_MIX):
        self.problem = problem
        self.seed = seed
        self.mix = mix
        self.bases, self.brutes = bases_of(problem)
        self._memo: dict[int, Mutant] = {}

    def mutant(self, index: int) -> Mutant:
        if not self.bases:
            raise IoiAgentError(
                f"{self.problem.root}: no accepted or partially accepted C++/Python program to mutate "
                "(fix: add one under submissions/accepted/, or leave this problem out)"
            )
        while len(self._memo) <= index:  # in order, so a copy of an earlier mutant finds it made
            self._memo[len(self._memo)] = self._make(len(self._memo))
        return self._memo[index]

    def mutants(self, count: int) -> Iterator[Mutant]:
        for index in range(count):
            yield self.mutant(index)

    def _make(self, index: int) -> Mutant:
        seed = sample_seed(self.problem.name, self.seed, index)
        rng = random.Random(seed)
        draw = rng.random()
        if draw >= self.mix.duplicate + self.mix.cosmetic:
            mutant = self._semantic(index, seed, rng)
            if mutant is not None:
                return mutant
        parent = self._parent(index, seed, rng)
        if draw < self.mix.duplicate:
            return self._copy(parent, index, seed, parent.code, ("duplicate",), "duplicate", "exact copy")
        code, ops, notes = self._cosmetic(parent.code, parent.base.language, rng)
        if not ops:
            return self._copy(parent, index, seed, parent.code, ("duplicate",), "duplicate", "exact copy")
        return self._copy(parent, index, seed, code, ops, "cosmetic", notes)

    def _parent(self, index: int, seed: int, rng: random.Random) -> Mutant:
        if index > 0 and rng.random() < FROM_EARLIER:
            return self.mutant(rng.randrange(index))
        base = rng.choice(self.bases)
        return Mutant(index, seed, base, base.code, (), "base", base.label, base.path)

    @staticmethod
    def _copy(
        parent: Mutant, index: int, seed: int, code: str, ops: tuple[str, ...], category: str, what: str
    ) -> Mutant:
        of = (
            parent.base.path if parent.category == "base" else f"mutant {parent.index} ({parent.description})"
        )
        return Mutant(
            index,
            seed,
            parent.base,
            code,
            _ops(parent.ops, ops),
            category,
            parent.label,
            f"{what} of {of}",
        )

    def _cosmetic(self, code: str, language: str, rng: random.Random) -> tuple[str, tuple[str, ...], str]:
        names = rng.choice([["rename"], ["reformat"], ["rename", "reformat"]])
        ops: list[str] = []
        notes: list[str] = []
        for name in names:
            edit = COSMETIC_OPS[name](Program.parse(code, language), rng)
            if edit is None or edit[0] == code:
                continue
            code = edit[0]
            ops.append(name)
            notes.append(edit[1])
        if not ops and "reformat" not in names:  # nothing to rename: reformat instead
            return self._cosmetic_reformat(code, language, rng)
        return code, tuple(ops), "; ".join(notes)

    @staticmethod
    def _cosmetic_reformat(code: str, language: str, rng: random.Random) -> tuple[str, tuple[str, ...], str]:
        edit = COSMETIC_OPS["reformat"](Program.parse(code, language), rng)
        return (edit[0], ("reformat",), edit[1]) if edit is not None else (code, (), "")

    def _semantic(self, index: int, seed: int, rng: random.Random) -> Mutant | None:
        order = _weighted_order(rng, SEMANTIC_WEIGHTS)
        bases = list(self.bases)
        rng.shuffle(bases)
        for base in bases:
            for name in order:
                if name == "slow" and self.brutes and rng.random() < 0.5:
                    brute = rng.choice(self.brutes)
                    code, ops, notes = self._cosmetic(brute.code, brute.language, rng)
                    if ops:
                        what = f"slow: the brute-force {brute.path}, {notes}"
                        return Mutant(index, seed, brute, code, ("brute", *ops), "semantic", None, what)
                edit = SEMANTIC_OPS[name](Program.parse(base.code, base.language), rng)
                if edit is None or edit[0] == base.code:
                    continue
                code, ops, notes = edit[0], (name,), [edit[1]]
                if rng.random() < COSMETIC_ON_SEMANTIC:
                    code, more, extra = self._cosmetic(code, base.language, rng)
                    ops, notes = _ops(ops, more), notes + ([extra] if more else [])
                return Mutant(index, seed, base, code, ops, "semantic", None, "; ".join(notes))
        return None


def mutant_record(problem: Problem, mutant: Mutant, run_seed: int) -> PoolRecord:
    ops = "+".join(mutant.ops)
    return PoolRecord(
        kind=RecordKind.CANDIDATE,
        problem=problem.name,
        subtask=None,
        language=mutant.base.language,
        status=CodeStatus.OK,
        code=mutant.code,
        completion=None,
        completion_sha256=sha256_text(mutant.code),
        job=job_id(
            kind=MUTANTS,
            problem=problem.name,
            base=mutant.base.path,
            base_sha256=mutant.base.sha,
            ops=ops,
            seed=run_seed,
            index=mutant.index,
        ),
        sample_index=0,
        seed=mutant.seed,
        model=MUTANTS,
        backend=MUTANTS,
        label=mutant.label,
        source=mutant.source,
        mutation=f"{mutant.category}: {mutant.description}",
    )


def mutant_records(
    problems: Sequence[Problem], count: int, seed: int = 0, mix: Mix = DEFAULT_MIX
) -> Iterator[PoolRecord]:
    for problem in problems:
        factory = MutantFactory(problem, seed, mix)
        if factory.bases:
            for mutant in factory.mutants(count):
                yield mutant_record(problem, mutant, seed)


def run_mutants(
    problems: Sequence[Problem], count: int, out: Path, seed: int = 0, mix: Mix = DEFAULT_MIX
) -> tuple[RunSummary, list[str]]:
    """Write `count` mutants of every problem into `out`; returns the summary and the problems skipped for
    want of a program to mutate (an error when that is all of them)."""
    if count < 0:
        raise IoiAgentError("--mutants must be 0 or more")
    skipped = [p.name for p in problems if not bases_of(p)[0]]
    if problems and len(skipped) == len(problems):
        raise IoiAgentError(
            f"no accepted or partially accepted C++/Python program to mutate in {', '.join(skipped)} "
            "(fix: give packages with submissions/accepted/ or solutions/ programs)"
        )
    started = time.monotonic()
    summary = RunSummary()
    with PoolWriter(out) as writer:
        for record in mutant_records(problems, count, seed, mix):
            summary.planned += 1
            if writer.append(record):
                summary.written += 1
            else:
                summary.already_done += 1
    summary.elapsed_s = time.monotonic() - started
    return summary, skipped
