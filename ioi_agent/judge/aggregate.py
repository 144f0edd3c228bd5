"""Score aggregation: a submission's test results turned into subtask scores and a submission result.

Pure functions of the problem and the results, apart from a Kattis group's custom grader, which the
caller runs (`RunGrader`): `Judge` runs it with its cache.

A Kattis package (one with a test-data group tree) is judged as problemtools judges it:
- a run over the memory limit is RTE for its group and the submission (`kattis_verdict`; the test
  itself keeps the sandbox's MLE): problemtools' runner has no MLE verdict, a program killed at its
  memory limit crashes (judge/execute.py: TLE first, then any nonzero exit or signal is RTE);
- a group's verdict, and the submission's (the root group data/'s), is what its grader gives for its
  children in package order, judging stopping at the first rejected child under `on_reject: break`
  (judge/submission_judge.py): so with `break` it is the first failing test's verdict, not the most
  severe, and with `continue` the default grader's worst in Kattis's order (RTE before TLE);
- a scoring submission's score is data/'s score (tests never run are left out, so the samples of a
  scoring problem, which the judge does not run, add nothing), kept in data/'s `range`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ioi_agent.judge.compile import CompiledProgram
from ioi_agent.judge.results import CompileInfo, SubmissionResult, SubtaskResult, TestResult
from ioi_agent.judge.verdict import Verdict, worst
from ioi_agent.packages.model import Group, Problem, Subtask
from ioi_agent.scoring import ioi, kattis

# A Kattis group's custom grader run on its (verdict, score) lines: (verdict code, score, message),
# the message empty unless the grader failed (`kattis_grader.run_grader`).
RunGrader = Callable[[Group, list[tuple[str, float]]], tuple[str, float, str]]


def compile_error(problem: Problem, src: Path, prog: CompiledProgram) -> SubmissionResult:
    """CE when the compiler rejected the source; JE when the box stopped the compilation or the source
    was not judged (its language is not installed or not supported here: `CompileInfo.not_judged`)."""
    verdict = Verdict.JE if prog.box_failure or prog.not_judged else Verdict.CE
    subtasks = [
        SubtaskResult(name=s.name, points=s.points, score=0.0, verdict=verdict) for s in problem.subtasks
    ]
    return SubmissionResult(
        source=str(src),
        verdict=verdict,
        score=0.0,
        subtasks=subtasks,
        compile=CompileInfo(ok=False, message=prog.message, not_judged=prog.not_judged),
    )


def subtask_score(
    problem: Problem, subtask: Subtask, tests: list[TestResult], run_grader: RunGrader
) -> float:
    group = _find_group(problem, subtask.name)
    if group is not None and problem.scoring:
        return kattis_group_score(problem, group, tests, run_grader)
    # CMS: a test's outcome is the checker's score when the run ended normally, 0 otherwise.
    scores = {t.test: t.score if t.verdict == Verdict.AC else 0.0 for t in tests}
    return ioi.subtask_score(
        subtask.points, [scores.get(n) for n in subtask.tests], subtask.score_type, subtask.threshold
    )


def kattis_group_score(
    problem: Problem, group: Group, tests: list[TestResult], run_grader: RunGrader
) -> float:
    """A Kattis group's score by the package's rules (scoring/kattis.py), its custom grader run here.

    A grader that fails is a judge error: the subtask gets a JE line (score 0), never a verdict
    charged to the program."""
    failures: list[str] = []

    def grade_custom(g: Group, lines: list[tuple[str, float]]) -> tuple[str, float]:
        code, score, message = run_grader(g, lines)
        if message:
            failures.append(f"{g.name}: {message}")
        return code, score

    outcomes = {t.test: (t.verdict, t.score) for t in tests}
    result = kattis.group_result(
        group, outcomes, custom_score=problem.checker.writes_score, grade_custom=grade_custom
    )
    if failures:
        tests.append(
            TestResult(
                test=group.name,
                verdict=Verdict.JE,
                score=0.0,
                time_s=0.0,
                memory_mb=0.0,
                message="; ".join(failures)[:500],
            )
        )
    return 0.0 if result is None or result[0] == Verdict.JE else result[1]


def score_precision(problem: Problem) -> int | None:
    """CMS's score_precision of the task (decimals of the scores it shows); None: no rounding."""
    return getattr(problem, "score_precision", None)


def kattis_verdict(verdict: Verdict) -> Verdict:
    """A run's verdict as problemtools reports it: a run over the memory limit is RTE. The test keeps the
    sandbox's MLE (what was seen); its group and the submission get RTE."""
    return Verdict.RE if verdict == Verdict.MLE else verdict


def _kattis_outcomes(tests: list[TestResult]) -> dict[str, tuple[Verdict, float]]:
    return {t.test: (kattis_verdict(t.verdict), t.score) for t in tests if t.test}


def _kattis_group_verdict(
    problem: Problem, group: Group | None, tests: list[TestResult], run_grader: RunGrader
) -> Verdict | None:
    """The group's verdict by its grader over its children in order; None: not a Kattis group."""
    if group is None or problem.groups is None:
        return None
    if any(t.verdict == Verdict.JE for t in tests):
        return Verdict.JE  # a judge error anywhere (a failed custom grader's line too) is the group's
    result = kattis.group_result(
        group,
        _kattis_outcomes(tests),
        custom_score=problem.checker.writes_score,
        grade_custom=lambda g, lines: run_grader(g, lines)[:2],
    )
    return Verdict.AC if result is None else result[0]


def aggregate(
    problem: Problem,
    src: Path,
    prog: CompiledProgram,
    per_subtask: dict[str, list[TestResult]],
    run_grader: RunGrader,
) -> SubmissionResult:
    kattis_tree = problem.groups is not None
    subtasks = []
    all_tests: list[TestResult] = []
    for st in problem.subtasks:
        tests = per_subtask[st.name]
        score = subtask_score(
            problem, st, tests, run_grader
        )  # may add a JE line (a custom grader that failed)
        all_tests.extend(tests)
        group_verdict = _kattis_group_verdict(problem, _find_group(problem, st.name), tests, run_grader)
        subtasks.append(
            SubtaskResult(
                name=st.name,
                points=st.points,
                score=round(score, 6),
                verdict=group_verdict or worst(t.verdict for t in tests),
                tests=tests,
            )
        )
    # Subtask scores stay unrounded (the task score adds the best ones up); CMS rounds the total.
    total = ioi.submission_score({s.name: s.score for s in subtasks}, score_precision(problem))
    verdict = worst(t.verdict for t in all_tests)
    if kattis_tree and problem.groups is not None:
        verdict, total = _kattis_submission(problem, problem.groups, all_tests, run_grader, verdict, total)
    return SubmissionResult(
        source=str(src),
        verdict=verdict,
        score=round(total, 6),
        subtasks=subtasks,
        compile=CompileInfo(ok=True, message=prog.message),
        max_time_s=max((t.time_s for t in all_tests), default=0.0),
        max_memory_mb=max((t.memory_mb for t in all_tests), default=0.0),
    )


def _kattis_submission(
    problem: Problem,
    root: Group,
    tests: list[TestResult],
    run_grader: RunGrader,
    verdict: Verdict,
    total: float,
) -> tuple[Verdict, float]:
    """(verdict, score) of data/, the submission's in problemtools; the given ones when it has none."""
    if verdict == Verdict.JE:
        return verdict, 0.0 if problem.scoring else total
    result = kattis.group_result(
        root,
        _kattis_outcomes(tests),
        custom_score=problem.checker.writes_score,
        grade_custom=lambda g, lines: run_grader(g, lines)[:2],
    )
    if result is None:
        return verdict, total
    if result[0] == Verdict.JE:
        return Verdict.JE, 0.0 if problem.scoring else total
    return result[0], result[1] if problem.scoring else total


def _find_group(problem: Problem, subtask_name: str) -> Group | None:
    if problem.groups is None:
        return None
    wanted = {f"secret/{subtask_name}", subtask_name}

    def walk(group: Group) -> Group | None:
        if group.name in wanted:
            return group
        for child in group.children:
            found = walk(child)
            if found is not None:
                return found
        return None

    return walk(problem.groups)
