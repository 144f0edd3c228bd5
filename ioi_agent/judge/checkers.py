"""Output checking: the built-in token comparison and adapters for the three custom-checker conventions.

Custom checkers, interactors and managers are the problem setter's trusted programs: they are compiled
and run in trusted boxes of their own (they need the answers, which never enter a contestant's box)
through `trusted.run_trusted`, seeing only the files they are given, within CMS's trusted-step limits (CPU, wall clock 2 × CPU + 1 s, memory), their process group killed at the
deadline. Each adapter maps the checker's way of reporting into one `CheckResult`; a checker that fails,
crashes or runs past its limits is JE, never a wrong answer and never a hang.

Built-in comparisons: `compare_tokens` (Kattis's default validator: tokens, case-insensitive unless asked,
optional float tolerance) and CMS's white diff (`scoring.cms.white_diff`) for CMS tasks without a checker.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from shutil import copyfile, rmtree

from ioi_agent.errors import PackageError
from ioi_agent.files import unique_sibling
from ioi_agent.judge.compare import first_difference
from ioi_agent.judge.trusted import TRUSTED, TrustedLimits, TrustedResult, read_capped, run_trusted
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Checker, CheckerKind
from ioi_agent.sandbox.trusted_box import own_for_trusted
from ioi_agent.scoring.cms import white_diff

CHECKER_LIMITS = TRUSTED  # a checker's (or output validator's) limits: CMS's trusted step
# Compiling a checker on the host (a testlib checker takes a few seconds): bounded like any trusted step.
HOST_COMPILE = TrustedLimits(cpu_s=60.0, wall_s=120.0, mem_mb=TRUSTED.mem_mb)
KATTIS_AC, KATTIS_WA = 42, 43
MESSAGE_CAP = 4096  # bytes of a validator's judgemessage.txt / teammessage.txt the judge reads
SCORE_CAP = 4096  # bytes of its score.txt (a number): a longer one is unreadable


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    score: float  # in [0, 1]
    message: str = ""


# --- built-in comparison ---------------------------------------------------------------------------


def compare_tokens(output: bytes, answer: bytes, checker: Checker) -> CheckResult:
    """Whitespace-separated tokens; case-insensitive unless asked; floats within the tolerance (Kattis's
    default validator, in linear time: see `judge.compare`; number syntax: `judge.numbers`)."""
    why = first_difference(
        output,
        answer,
        case_sensitive=checker.case_sensitive,
        keep_space=checker.space_change_sensitive,
        abs_tol=checker.float_abs_tol,
        rel_tol=checker.float_rel_tol,
    )
    return CheckResult(Verdict.AC, 1.0) if why is None else CheckResult(Verdict.WA, 0.0, why)


def compare_white_diff(output: bytes, answer: bytes) -> CheckResult:
    """CMS's comparison for tasks without a checker (see `scoring.cms.white_diff`)."""
    equal, message = white_diff(output, answer)
    return CheckResult(Verdict.AC, 1.0) if equal else CheckResult(Verdict.WA, 0.0, message)


# --- trusted helper programs (checkers, interactors, managers) --------------------------------------

_compile_lock = threading.Lock()


def host_program(sources: list[Path], cache: Path) -> list[str]:
    """The argv prefix running a trusted program: compiled once (cached by content) or run by python3."""
    if len(sources) == 1 and sources[0].suffix == ".py":
        return ["python3", str(sources[0])]
    h = hashlib.sha256(b"host-cpp-v1")
    for src in sorted(sources):
        h.update(src.name.encode() + b"\0" + src.read_bytes())
    binary = cache / "host-bin" / h.hexdigest()[:24] / "prog"
    with _compile_lock:
        if not binary.exists():
            binary.parent.mkdir(parents=True, exist_ok=True)
            compiler = shutil.which("g++")
            if not compiler:
                raise PackageError(
                    sources[0], "g++ is needed on the host to build this checker", fix="install g++"
                )
            cpp = [str(s) for s in sources if s.suffix in (".cpp", ".cc", ".cxx", ".c")]
            folders = sorted({str(s.parent) for s in sources})
            # Built in a trusted box into a folder of its own, then moved into the cache by the judge.
            build = Path(tempfile.mkdtemp(prefix="ioi-agent-build-"))  # reachable by the box's uid
            own_for_trusted(build)
            try:
                proc = run_trusted(
                    [
                        compiler,
                        "-O2",
                        "-std=gnu++17",
                        *(f"-I{f}" for f in folders),
                        "-o",
                        f"{build}/prog",
                        *cpp,
                    ],
                    limits=HOST_COMPILE,
                    read=folders,
                    write=[build],
                )
                if proc.returncode == 0:
                    tmp = unique_sibling(binary)
                    copyfile(build / "prog", tmp)
                    os.chmod(tmp, 0o755)
            finally:
                rmtree(build, ignore_errors=True)
            if proc.timed_out or proc.signal or proc.start_error:
                raise PackageError(
                    sources[0],
                    proc.failure("the checker's compilation").split(":")[0],
                    fix="simplify the checker, or compile it by hand to see why",
                )
            if proc.returncode != 0:
                # One line for the user: the compiler's first error, not its whole multi-line report.
                lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip()]
                first = next((ln for ln in lines if "error" in ln), lines[0] if lines else "no message")
                raise PackageError(
                    sources[0], f"the checker does not compile: {first[:300]}", fix="fix the checker"
                )
            tmp.replace(binary)
    return [str(binary)]


def _read_score(text: str) -> float | None:
    match = re.search(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?", text)
    return None if not match else float(match.group())


def _fraction(value: float) -> float:
    return min(1.0, max(0.0, value))


def kattis_result(returncode: int | None, feedback: Path, stderr: str) -> CheckResult:
    """Map an output validator's exit code and feedback folder to a result (problemtools' rules).

    42 accepts: the score is score.txt's number when the validator wrote one (Kattis `validation: custom
    score`: an absolute value the test groups aggregate, not a fraction; an accepted test may score 0 or
    less and is still accepted), else 1. 43 rejects (a score.txt beside it is the validator's error).
    Anything else, or an unreadable score.txt, is a judge error."""
    message = ""
    for name in ("judgemessage.txt", "teammessage.txt"):
        # A validator may echo a flooding program into its message: the judge reads only the start.
        text = read_capped(feedback / name, MESSAGE_CAP)
        if text is not None:
            message = text.decode("utf-8", "replace").strip()[:500]
            break
    score_text = read_capped(feedback / "score.txt", SCORE_CAP + 1)
    if returncode == KATTIS_AC:
        score = 1.0
        if score_text is not None:
            try:
                if len(score_text) > SCORE_CAP:
                    raise ValueError("score.txt too long")
                score = float(score_text.decode("ascii").strip())
            except ValueError:  # UnicodeDecodeError included
                return CheckResult(Verdict.JE, 0.0, "validator wrote an unreadable score.txt")
            if not math.isfinite(score):
                return CheckResult(Verdict.JE, 0.0, "validator wrote a score that is not a finite number")
        return CheckResult(Verdict.AC, score, message)
    if returncode == KATTIS_WA:
        if score_text is not None:
            return CheckResult(Verdict.JE, 0.0, 'validator produced "score.txt" on a WA verdict')
        return CheckResult(Verdict.WA, 0.0, message)
    return CheckResult(Verdict.JE, 0.0, f"output validator exited with {returncode}: {stderr.strip()[-300:]}")


def run_checker(
    checker: Checker,
    cache: Path,
    input_path: Path,
    answer_path: Path | None,
    output_path: Path,
    flags: list[str] | None = None,
) -> CheckResult:
    """Judge one output with the problem's checker; `flags`: the test's own validator flags (Kattis
    `output_validator_flags`), after the problem's."""
    if checker.kind in (CheckerKind.DIFF, CheckerKind.WHITE_DIFF):
        answer = answer_path.read_bytes() if answer_path else b""
        if checker.kind == CheckerKind.WHITE_DIFF:
            return compare_white_diff(output_path.read_bytes(), answer)
        return compare_tokens(output_path.read_bytes(), answer, checker)
    prog = host_program(checker.sources, cache)
    key = _check_key(prog, checker, input_path, answer_path, output_path, flags)
    with _checks_lock:
        known = _checks.get(key)
    if known is not None:
        return known
    result = _run_custom(checker, prog, input_path, answer_path, output_path, flags)
    if result.verdict != Verdict.JE:  # a checker's failure is tried again, as any judge error
        with _checks_lock:
            if len(_checks) >= CHECK_MEMO_SIZE:
                _checks.pop(next(iter(_checks)))
            _checks[key] = result
    return result


# Many candidates print the same output for a test: a custom checker judges each distinct output once per
# judge process (a checker's verdict depends on its input, answer and the output alone, as CMS and
# problemtools assume), which spares a trusted box per repeated output.
CHECK_MEMO_SIZE = 200_000
_checks: dict[str, CheckResult] = {}
_checks_lock = threading.Lock()


def _check_key(
    prog: list[str],
    checker: Checker,
    input_path: Path,
    answer_path: Path | None,
    output_path: Path,
    flags: list[str] | None,
) -> str:
    h = hashlib.sha256(checker.kind.value.encode())
    for part in (*prog, *checker.flags, "\0", *(flags or [])):
        h.update(part.encode() + b"\0")
    for path in (input_path, answer_path):
        if path is not None:  # the package's own files: named and dated
            info = path.stat()
            h.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    with open(output_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run_custom(
    checker: Checker,
    prog: list[str],
    input_path: Path,
    answer_path: Path | None,
    output_path: Path,
    flags: list[str] | None,
) -> CheckResult:
    answer = str(answer_path) if answer_path else "/dev/null"
    if checker.kind == CheckerKind.KATTIS:
        with tempfile.TemporaryDirectory(prefix="feedback-") as fb:
            own_for_trusted(Path(fb))
            argv = [*prog, str(input_path), answer, fb + "/", *checker.flags, *(flags or [])]
            run = run_trusted(argv, stdin=output_path, limits=CHECKER_LIMITS, write=[fb])
            if _broke(run):
                return CheckResult(Verdict.JE, 0.0, run.failure("output validator"))
            return kattis_result(run.returncode, Path(fb), run.stderr)  # type: ignore[arg-type]
    if checker.kind == CheckerKind.CMS:
        run = run_trusted([*prog, str(input_path), answer, str(output_path)], limits=CHECKER_LIMITS)
        if _broke(run):
            return CheckResult(Verdict.JE, 0.0, run.failure("checker"))
        return cms_result(run.returncode, run.stdout, run.stderr)  # type: ignore[arg-type]
    # testlib: input, contestant output, answer
    run = run_trusted([*prog, str(input_path), str(output_path), answer], limits=CHECKER_LIMITS)
    if _broke(run):
        return CheckResult(Verdict.JE, 0.0, run.failure("checker"))
    return testlib_result(run.returncode, run.stdout + run.stderr)  # type: ignore[arg-type]


def _broke(run: TrustedResult) -> bool:
    """Killed at its deadline or by a signal (its CPU or memory limit): the checker's failure, a JE."""
    return run.timed_out or run.returncode is None or run.signal is not None


def cms_result(returncode: int, stdout: str, stderr: str) -> CheckResult:
    """CMS: the score in [0, 1] on stdout, the message on stderr; a nonzero exit is the checker's failure."""
    if returncode != 0:
        return CheckResult(Verdict.JE, 0.0, f"checker exited with {returncode}: {stderr.strip()[-300:]}")
    value = _read_score(stdout)
    if value is None:
        return CheckResult(Verdict.JE, 0.0, "checker printed no score")
    score = _fraction(value)
    return CheckResult(Verdict.AC if score > 0 else Verdict.WA, score, stderr.strip()[:500])


def testlib_result(returncode: int, report: str) -> CheckResult:
    """testlib: 0 ok, 1 wrong answer, 2 presentation error, 3 fail, 7 (or 5) partial with `points X`."""
    message = report.strip()[:500]
    if returncode == 0:
        return CheckResult(Verdict.AC, 1.0, message)
    if returncode in (1, 2):
        return CheckResult(Verdict.WA, 0.0, message)
    if returncode in (5, 7):
        match = re.search(r"points\s+([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)", report)
        if not match:
            return CheckResult(Verdict.JE, 0.0, "partial result without `points X`")
        score = _fraction(float(match.group(1)))
        return CheckResult(Verdict.AC if score > 0 else Verdict.WA, score, message)
    return CheckResult(Verdict.JE, 0.0, f"checker failed (exit {returncode}): {message}")
