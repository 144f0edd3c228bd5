"""Example submissions of a 2023-07 draft package (spec/2023-07-draft.md, "Example Submissions").

`submissions/<folder>/<program>`, a program being a file or a folder (its entry point: submissions.yaml's
`entrypoint`, else `main.*`, else its one source). A submission's `expectations` are its folder's default
requirements (`DEFAULT_EXPECTATIONS`; a submissions.yaml key naming the folder replaces the keys it gives)
and those of every other submissions.yaml glob matching its path below submissions/ (or a folder of it):
`permitted` (every test's verdict in it), `required` (some test's verdict in it), `score` (a number or
an inclusive range), at the top for all tests or under a test group or test glob below data/.
`judge/labels.expectations_satisfied` checks them. `message` and `use_for_time_limit` are not checked.
"""

from __future__ import annotations

import itertools
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ioi_agent.errors import PackageError
from ioi_agent.packages.kattis import SOURCE_SUFFIXES, read_yaml
from ioi_agent.packages.model import Submission

SPEC_VERDICTS = {"AC", "WA", "TLE", "RTE"}
# The spec's "Default directories": each folder's requirements on its submissions' test verdicts.
DEFAULT_EXPECTATIONS: dict[str, dict[str, list[str]]] = {
    "accepted": {"permitted": ["AC"]},
    "rejected": {"required": ["RTE", "TLE", "WA"]},
    "wrong_answer": {"permitted": ["AC", "WA"], "required": ["WA"]},
    "time_limit_exceeded": {"permitted": ["AC", "TLE"], "required": ["TLE"]},
    "run_time_error": {"permitted": ["AC", "RTE"], "required": ["RTE"]},
    "brute_force": {"permitted": ["AC", "RTE", "TLE"], "required": ["RTE", "TLE"]},
}
# Keys of a submissions.yaml entry that are not requirements on a test scope.
SUBMISSION_KEYS = {
    "language",
    "entrypoint",
    "authors",
    "model_solution",
    "permitted",
    "required",
    "score",
    "message",
    "use_for_time_limit",
}


class Expectation(BaseModel):
    """One requirement of submissions.yaml (or of a default folder) on the tests of `scope` (a glob of
    test groups or tests below data/; empty: every test)."""

    scope: str = ""
    permitted: list[str] | None = None
    required: list[str] | None = None
    score: tuple[float, float] | None = None


class Submission2023(Submission):
    expectations: list[Expectation] = Field(default_factory=list)


def expand_braces(pattern: str) -> list[str]:
    """`{a,b}` alternatives of a glob (the spec supports brace expansion, not `**` or `[...]`)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return list(
        itertools.chain.from_iterable(expand_braces(head + alt + tail) for alt in match.group(1).split(","))
    )


def in_scope(path: str, pattern: str) -> bool:
    """Whether a path (a test below data/, a submission below submissions/) or one of its folders
    matches the glob: a `*` stays within one path part, braces give alternatives."""
    parts = path.split("/")
    for alternative in expand_braces(pattern):
        pattern_parts = alternative.strip("/").split("/")
        prefix = parts[: len(pattern_parts)]
        if len(prefix) == len(pattern_parts) and all(
            fnmatchcase(p, q) for p, q in zip(prefix, pattern_parts, strict=True)
        ):
            return True
    return False


def _program_file(program: Path, entrypoint: str | None) -> Path | None:
    if program.is_file():
        return program if program.suffix in SOURCE_SUFFIXES else None
    sources = sorted(p for p in program.iterdir() if p.is_file() and p.suffix in SOURCE_SUFFIXES)
    if entrypoint and (program / entrypoint).is_file():
        return program / entrypoint
    mains = [p for p in sources if p.stem == "main"]
    return (mains or sources or [None])[0]


def load_submissions(root: Path) -> list[Submission2023]:
    folder = root / "submissions"
    if not folder.is_dir():
        return []
    yaml_path = folder / "submissions.yaml"
    config = read_yaml(yaml_path) if yaml_path.is_file() else {}
    out = []
    for label_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        for program in sorted(label_dir.iterdir()):
            rel = program.relative_to(folder).as_posix()
            entries = [v for k, v in config.items() if isinstance(v, dict) and in_scope(rel, str(k))]
            entrypoint = next((str(e["entrypoint"]) for e in entries if e.get("entrypoint")), None)
            path = _program_file(program, entrypoint)
            if path is None:
                continue
            out.append(
                Submission2023(
                    path=path,
                    label=label_dir.name,
                    expectations=_expectations(label_dir.name, rel, config, yaml_path),
                )
            )
    return out


def _expectations(label: str, rel: str, config: dict[str, Any], path: Path) -> list[Expectation]:
    """The folder's default requirements (a submissions.yaml key naming the folder replaces the keys it
    gives) and those of every other matching glob."""
    out: list[Expectation] = []
    default = dict(DEFAULT_EXPECTATIONS.get(label, {}))
    if isinstance(config.get(label), dict):
        default.update(config[label])
    if default:
        out += _rules(default, "", path)
    for key, value in config.items():
        if str(key) != label and isinstance(value, dict) and in_scope(rel, str(key)):
            out += _rules(value, "", path)
    return out


def _rules(entry: dict[str, Any], scope: str, path: Path) -> list[Expectation]:
    rules = []
    own = {k: entry[k] for k in ("permitted", "required", "score") if k in entry}
    if own:
        rules.append(_expectation(own, scope, path))
    for key, value in entry.items():
        if key not in SUBMISSION_KEYS and isinstance(value, dict):
            rules += _rules(value, str(key), path)
    return rules


def _expectation(entry: dict[str, Any], scope: str, path: Path) -> Expectation:
    for key in ("permitted", "required"):
        verdicts = entry.get(key)
        if verdicts is not None and (not isinstance(verdicts, list) or not set(verdicts) <= SPEC_VERDICTS):
            raise PackageError(path, f"{key} must be a list of {sorted(SPEC_VERDICTS)}", field=key)
    score = entry.get("score")
    bounds = None
    if isinstance(score, int | float):
        bounds = (float(score), float(score))
    elif isinstance(score, list) and len(score) == 2:
        bounds = (float(score[0]), float(score[1]))
    elif score is not None:
        raise PackageError(path, "score must be a number or a list of two numbers", field="score")
    return Expectation(
        scope=scope, permitted=entry.get("permitted"), required=entry.get("required"), score=bounds
    )
