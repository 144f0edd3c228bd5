"""What a labelled submission's folder (or tag) promises about its result, per format.

Kattis legacy (`submissions/<label>/`, problemtools' verifyproblem `Submissions`): the folder is the
verdict of the whole submission, the root test-data group's verdict. `accepted`: verdict AC (a score
below the maximum is only a warning there, so an accepted program worth 0 points is still accepted);
`partially_accepted`: not fully accepted (the score is not the top of data/'s `range`) and verdict AC,
or, beyond problemtools, a positive score; `wrong_answer`, `time_limit_exceeded`, `run_time_error`: that verdict. problemtools has no MLE verdict: a
run over the memory limit is RTE (`aggregate.kattis_verdict`), so `memory_limit_exceeded` promises RTE.

Kattis 2023-07 (`problem_format_version: 2023-07-draft`): each submission carries `expectations`, the
folder's default requirements and those of `submissions/submissions.yaml` (`packages/kattis_submissions.py`):
every judged test's verdict in `permitted`, at least one in `required`, the score in `score`, over the
tests the expectation's scope names. Verdicts there are AC, WA, TLE and RTE (MLE and OLE count as RTE).

Polygon (`<solution tag>`): each tag is a set of verdicts (`POLYGON_TAG_VERDICTS`): the submission's
verdict is in the set and every judged test's verdict is in it or AC.

CMS/IOI packages exported by TPS (`solutions/<verdict>/`): the folder is the verdict TPS's solutions.json
gives the solution, whose `except` list (the subtasks where it does something else) the export drops. So
`model_solution` promises the full score; `correct` promises a fully solved subtask with points (a
subtask solution is filed as correct); `partially_correct` a score strictly between 0 and the maximum;
every other word (`incorrect`, `time_limit`, `runtime_error`, `memory_limit`, `failed`,
`protocol_violation`, ...) less than the full score, since the folder names how it fails somewhere,
not everywhere. The package's own word is `CmsSubmission.verdict`; see `promise_label`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ioi_agent.judge.results import SubmissionResult, TestResult
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.kattis_submissions import in_scope
from ioi_agent.packages.model import Submission

SCORE_EPS = 1e-6
# Folder names, with the spellings CMS/IOI packages use, mapped to the one verdict they promise.
LABEL_VERDICTS: dict[str, Verdict] = {
    "wrong_answer": Verdict.WA,
    "time_limit_exceeded": Verdict.TLE,
    "run_time_error": Verdict.RE,
    "runtime_error": Verdict.RE,
    "memory_limit_exceeded": Verdict.MLE,
    "output_limit_exceeded": Verdict.OLE,
    "compile_error": Verdict.CE,
    "compilation_error": Verdict.CE,
}
# problemtools reports a run over the memory limit as RTE: the folder's promise in a Kattis package.
KATTIS_LABEL_VERDICTS = {**LABEL_VERDICTS, "memory_limit_exceeded": Verdict.RE}
ACCEPTED = {"accepted", "correct", "model_solution"}
PARTIAL = {"partially_accepted", "partially_correct", "partial"}
CMS_FULL = {"accepted", "model_solution"}
CMS_SOME_SUBTASK = {"correct"}
NO_PROMISE = {"", "unlabelled"}

_FAILED = frozenset({Verdict.WA, Verdict.TLE, Verdict.MLE, Verdict.OLE, Verdict.RE, Verdict.CE})
# Polygon's solution tags (problem.xml `<solution tag>`, Polygon's "Solutions" page) and the verdicts each
# allows. Polygon's presentation error is WA here (testlib's PE exit code is judged WA); `rejected`
# ("Incorrect") is any verdict but OK; `failed` is a crash (run-time error).
POLYGON_TAG_VERDICTS: dict[str, frozenset[Verdict]] = {
    "main": frozenset({Verdict.AC}),
    "accepted": frozenset({Verdict.AC}),
    "rejected": _FAILED,
    "wrong-answer": frozenset({Verdict.WA}),
    "presentation-error": frozenset({Verdict.WA}),
    "time-limit-exceeded": frozenset({Verdict.TLE}),
    "memory-limit-exceeded": frozenset({Verdict.MLE}),
    "failed": frozenset({Verdict.RE}),
    "time-limit-exceeded-or-accepted": frozenset({Verdict.TLE, Verdict.AC}),
    "time-limit-exceeded-or-memory-limit-exceeded": frozenset({Verdict.TLE, Verdict.MLE}),
}
# The 2023-07 format's four test verdicts, from the judge's.
_SPEC_VERDICT = {
    Verdict.AC: "AC",
    Verdict.WA: "WA",
    Verdict.TLE: "TLE",
    Verdict.RE: "RTE",
    Verdict.MLE: "RTE",
    Verdict.OLE: "RTE",
}


def promise_label(submission: Submission) -> str:
    """The word whose promise applies: a CMS package's own folder word or a Polygon tag when it has one,
    else the label."""
    return getattr(submission, "verdict", None) or getattr(submission, "tag", None) or submission.label


def label_expectation(label: str, problem_format: str = "kattis") -> str | None:
    """A short description of what the label promises, or None for a label with no promise."""
    if problem_format == "polygon":
        allowed = POLYGON_TAG_VERDICTS.get(label)
        return f"verdict in {{{', '.join(sorted(allowed))}}}" if allowed else None
    if problem_format == "cms":
        if label in NO_PROMISE:
            return None
        if label in CMS_FULL:
            return "AC, full score"
        if label in CMS_SOME_SUBTASK:
            return "a subtask with points fully solved"
        if label in PARTIAL:
            return "0 < score < max"
        return "score < max"
    if label in ACCEPTED:
        return "AC" if problem_format == "kattis" else "AC, full score"
    if label in PARTIAL:
        return "AC or score > 0, not full" if problem_format == "kattis" else "0 < score < max"
    if label in KATTIS_LABEL_VERDICTS:
        verdicts = KATTIS_LABEL_VERDICTS if problem_format == "kattis" else LABEL_VERDICTS
        return f"verdict {verdicts[label]}"
    return None


def label_satisfied(
    label: str,
    result: SubmissionResult,
    max_score: float,
    problem_format: str = "kattis",
    full_score: float | None = None,
) -> bool | None:
    """Whether the result keeps the label's promise; None when the label promises nothing.

    `full_score`: for a Kattis package, the score problemtools calls fully accepted (the top of data/'s
    `range`, infinite when it has none); `max_score` when not given."""
    if label_expectation(label, problem_format) is None:
        return None
    full = result.verdict == Verdict.AC and result.score >= max_score - SCORE_EPS
    partial = SCORE_EPS < result.score < max_score - SCORE_EPS
    if problem_format == "polygon":
        return polygon_tag_satisfied(label, result, max_score)
    if problem_format == "cms":
        if label in CMS_FULL:
            return full
        if label in CMS_SOME_SUBTASK:
            return any(s.points > 0 and s.score >= s.points - SCORE_EPS for s in result.subtasks)
        if label in PARTIAL:
            return partial
        return result.score < max_score - SCORE_EPS
    if label in ACCEPTED:
        return result.verdict == Verdict.AC
    if label in PARTIAL:
        top = max_score if full_score is None else full_score
        if math.isfinite(top) and result.score >= top - SCORE_EPS:
            return False  # fully accepted
        # problemtools wants verdict AC; a positive score is taken too, for packages whose secret/ grades
        # worst_error, where problemtools would reject every partial program (see README).
        return result.verdict == Verdict.AC or result.score > SCORE_EPS
    return result.verdict == KATTIS_LABEL_VERDICTS[label]


def judged_tests(result: SubmissionResult) -> list[TestResult]:
    """Every test result of the submission once (a test shared by subtasks is judged once)."""
    seen: dict[str, TestResult] = {}
    for subtask in result.subtasks:
        for test in subtask.tests:
            seen.setdefault(test.test, test)
    return list(seen.values())


def polygon_tag_satisfied(tag: str, result: SubmissionResult, max_score: float) -> bool | None:
    allowed = POLYGON_TAG_VERDICTS.get(tag)
    if allowed is None:
        return None
    if result.verdict not in allowed:
        return False
    if not all(t.verdict in allowed | {Verdict.AC} for t in judged_tests(result)):
        return False
    if allowed == {Verdict.AC}:
        return result.score >= max_score - SCORE_EPS  # main and accepted solve every test
    return True


def spec_verdicts(tests: Iterable[TestResult]) -> list[str]:
    """The 2023-07 format's verdict of each test (a judge error stays JE: it satisfies no rule)."""
    return [_SPEC_VERDICT.get(t.verdict, str(t.verdict)) for t in tests]


def expectations_satisfied(expectations: Iterable[object], result: SubmissionResult) -> bool | None:
    """Whether a 2023-07 submission keeps every expectation that applies to it (`kattis_2023.Expectation`:
    `scope`, `permitted`, `required`, `score`); None when it has none. A submission that does not compile
    runs no test and keeps none (the spec's rules are about test verdicts)."""
    rules = list(expectations)
    if not rules:
        return None
    if not result.compile.ok:
        return False
    tests = judged_tests(result)
    for rule in rules:
        scope = str(getattr(rule, "scope", ""))
        chosen = [t for t in tests if not scope or in_scope(t.test, scope)]
        verdicts = spec_verdicts(chosen)
        permitted = getattr(rule, "permitted", None)
        required = getattr(rule, "required", None)
        if permitted is not None and any(v not in permitted for v in verdicts):
            return False
        if required is not None and not any(v in required for v in verdicts):
            return False
        score = getattr(rule, "score", None)
        if score is not None:
            got = _scope_score(result, scope)
            if got is not None and not score[0] - SCORE_EPS <= got <= score[1] + SCORE_EPS:
                return False
    return True


def _scope_score(result: SubmissionResult, scope: str) -> float | None:
    """The aggregated score of the scope: the submission's for all tests, a group's for its subtask."""
    if not scope or scope.strip("/") in ("secret", ""):
        return result.score
    for subtask in result.subtasks:
        if in_scope(f"secret/{subtask.name}", scope) or in_scope(subtask.name, scope):
            return subtask.score
    return None


def full_kattis_score(problem: object) -> float | None:
    """The score problemtools calls fully accepted: the top of data/'s `range` (infinite without one);
    None for a package without a Kattis group tree."""
    groups = getattr(problem, "groups", None)
    return None if groups is None else float(groups.range_max)


def submission_promise(submission: Submission, problem_format: str) -> str | None:
    """What the submission's folder, tag or submissions.yaml promises, in words; None: nothing."""
    rules = getattr(submission, "expectations", None)
    if rules:
        return "; ".join(_rule_text(r) for r in rules)
    if rules is not None:
        return None  # a 2023-07 submission in a folder that promises nothing
    return label_expectation(promise_label(submission), problem_format)


def _rule_text(rule: object) -> str:
    parts = [f"{getattr(rule, 'scope', '') or 'all tests'}:"]
    for key in ("permitted", "required"):
        if getattr(rule, key, None) is not None:
            parts.append(f"{key} {'/'.join(getattr(rule, key))}")
    score = getattr(rule, "score", None)
    if score is not None:
        parts.append(f"score in [{score[0]:g}, {score[1]:g}]")
    return " ".join(parts)


def submission_satisfied(
    submission: Submission, result: SubmissionResult, problem: object, max_score: float
) -> bool | None:
    """Whether the result keeps the submission's promise (`submission_promise`); None: no promise."""
    problem_format = str(getattr(problem, "format", "kattis"))
    rules = getattr(submission, "expectations", None)
    if rules is not None:
        return expectations_satisfied(rules, result)
    return label_satisfied(
        promise_label(submission), result, max_score, problem_format, full_kattis_score(problem)
    )
