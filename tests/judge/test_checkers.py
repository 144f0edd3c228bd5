"""Output checking: the built-in token comparison, and real compiled checkers under each convention
(Kattis output validator, CMS checker, testlib-style checker) run through `run_checker`."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.judge import checkers
from ioi_agent.judge.checkers import compare_tokens, run_checker
from ioi_agent.judge.trusted import TrustedLimits
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages.model import Checker, CheckerKind

DIFF = Checker()

# --- built-in comparison -----------------------------------------------------------------------------


def test_whitespace_is_ignored() -> None:
    assert compare_tokens(b"1  2\n3\t4\n\n", b"1 2 3 4", DIFF).verdict == Verdict.AC
    assert compare_tokens(b"", b"\n \n", DIFF).verdict == Verdict.AC
    assert compare_tokens(b"12", b"1 2", DIFF).verdict == Verdict.WA


def test_space_change_sensitive() -> None:
    strict = Checker(space_change_sensitive=True)
    assert compare_tokens(b"1 2\n", b"1 2\n", strict).verdict == Verdict.AC
    assert compare_tokens(b"1  2\n", b"1 2\n", strict).verdict == Verdict.WA
    assert compare_tokens(b"1\n2\n", b"1 2\n", strict).verdict == Verdict.WA


def test_case() -> None:
    assert compare_tokens(b"YES", b"yes", DIFF).verdict == Verdict.AC
    assert compare_tokens(b"YES", b"yes", Checker(case_sensitive=True)).verdict == Verdict.WA
    assert compare_tokens(b"yes", b"yes", Checker(case_sensitive=True)).verdict == Verdict.AC


def test_token_count_mismatch() -> None:
    result = compare_tokens(b"1 2", b"1 2 3", DIFF)
    assert result.verdict == Verdict.WA and result.score == 0
    assert "3" in result.message and "2" in result.message
    assert compare_tokens(b"1 2 3 4", b"1 2 3", DIFF).verdict == Verdict.WA


def test_wrong_token_is_named() -> None:
    result = compare_tokens(b"1 5 3", b"1 2 3", DIFF)
    assert result.verdict == Verdict.WA and "token 2" in result.message


def test_no_float_tolerance_by_default() -> None:
    assert compare_tokens(b"1.0", b"1", DIFF).verdict == Verdict.WA
    assert compare_tokens(b"0.30000001", b"0.3", DIFF).verdict == Verdict.WA


def test_float_absolute_tolerance() -> None:
    c = Checker(float_abs_tol=1e-6)
    assert compare_tokens(b"1.0000005", b"1.0", c).verdict == Verdict.AC
    assert compare_tokens(b"1.00001", b"1.0", c).verdict == Verdict.WA
    assert compare_tokens(b"1000000.5", b"1000000", c).verdict == Verdict.WA
    # Non-numeric tokens still compare as text.
    assert compare_tokens(b"abc 1.0000001", b"abc 1", c).verdict == Verdict.AC
    assert compare_tokens(b"abd 1", b"abc 1", c).verdict == Verdict.WA


def test_float_relative_tolerance() -> None:
    c = Checker(float_rel_tol=1e-6)
    assert compare_tokens(b"1000000.5", b"1000000", c).verdict == Verdict.AC
    assert compare_tokens(b"1000002", b"1000000", c).verdict == Verdict.WA
    assert compare_tokens(b"1.5", b"1", c).verdict == Verdict.WA
    assert compare_tokens(b"1e-9", b"0", c).verdict == Verdict.WA  # relative to 0: only exact


def test_float_either_tolerance_suffices() -> None:
    c = Checker(float_abs_tol=1e-3, float_rel_tol=1e-3)
    assert compare_tokens(b"1000.9", b"1000", c).verdict == Verdict.AC  # relative
    assert compare_tokens(b"0.0009", b"0", c).verdict == Verdict.AC  # absolute
    assert compare_tokens(b"0.01", b"0", c).verdict == Verdict.WA


@pytest.mark.parametrize(
    ("got", "want"),
    [(b"nan", b"0"), (b"0", b"nan"), (b"inf", b"1e308"), (b"-inf", b"-1e308"), (b"nan", b"inf")],
)
def test_nan_and_inf_are_no_float_match(got: bytes, want: bytes) -> None:
    c = Checker(float_abs_tol=1e300, float_rel_tol=1e300)
    assert compare_tokens(got, want, c).verdict == Verdict.WA


# --- real checkers -----------------------------------------------------------------------------------

KATTIS_VALIDATOR = r"""
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
// argv: input judge_answer feedback_dir [flags...] < team_output
static void put(const std::string& dir, const char* name, const std::string& text) {
    FILE* f = fopen((dir + name).c_str(), "w"); fputs(text.c_str(), f); fclose(f);
}
int main(int argc, char** argv) {
    char ans[64] = {0}, team[64] = {0};
    FILE* a = fopen(argv[2], "r"); if (!a || fscanf(a, "%63s", ans) != 1) return 5;
    if (scanf("%63s", team) != 1) return 43;
    std::string fb = argv[3], t = team;
    if (t == ans) return 42;
    if (t == "half") { put(fb, "score.txt", "0.5\n"); return 42; }
    if (t == "zero") { put(fb, "score.txt", "0\n"); return 42; }
    if (t == "badscore") { put(fb, "score.txt", "lots\n"); return 42; }
    if (t == "flags") {
        std::string all; for (int i = 4; i < argc; i++) { all += argv[i]; all += ';'; }
        put(fb, "judgemessage.txt", all); return 43;
    }
    if (t == "crash") { fprintf(stderr, "validator broke"); return 1; }
    if (t == "hang") { sleep(20); return 42; }
    put(fb, "judgemessage.txt", "wrong: got " + t); return 43;
}
"""

CMS_CHECKER = r"""
#include <cstdio>
#include <string>
// argv: input correct_output contestant_output; score on stdout, message on stderr
int main(int argc, char** argv) {
    char ans[64] = {0}, out[64] = {0};
    FILE* a = fopen(argv[2], "r"); FILE* o = fopen(argv[3], "r");
    if (!a || !o || fscanf(a, "%63s", ans) != 1) return 3;
    if (fscanf(o, "%63s", out) != 1) { printf("0\n"); fprintf(stderr, "empty output"); return 0; }
    std::string t = out;
    if (t == ans) { printf("1.0\n"); fprintf(stderr, "translate:success"); return 0; }
    if (t == "half") { printf("0.5\n"); fprintf(stderr, "partially correct"); return 0; }
    if (t == "crash") { fprintf(stderr, "checker broke"); return 2; }
    if (t == "silent") return 0;
    printf("0.0\n"); fprintf(stderr, "wrong"); return 0;
}
"""

TESTLIB_CHECKER = r"""
#include <cstdio>
#include <string>
// argv: input contestant_output answer; exit 0 ok, 1 wa, 2 pe, 3 fail, 7 partial with "points X"
int main(int argc, char** argv) {
    char out[64] = {0}, ans[64] = {0};
    FILE* o = fopen(argv[2], "r"); FILE* a = fopen(argv[3], "r");
    if (!o || !a || fscanf(a, "%63s", ans) != 1) return 3;
    if (fscanf(o, "%63s", out) != 1) { fprintf(stderr, "wrong answer empty"); return 1; }
    std::string t = out;
    if (t == ans) { fprintf(stderr, "ok fine"); return 0; }
    if (t == "pe") { fprintf(stderr, "wrong output format"); return 2; }
    if (t == "fail") { fprintf(stderr, "FAIL bad answer file"); return 3; }
    if (t == "partial") { fprintf(stderr, "points 0.25 quarter"); return 7; }
    if (t == "partial_stdout") { printf("points 0.75\n"); return 7; }
    if (t == "partial_noscore") { fprintf(stderr, "some credit"); return 7; }
    if (t == "weird") return 9;
    fprintf(stderr, "wrong answer expected %s", ans); return 1;
}
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("checkers")
    (root / "cache").mkdir()
    (root / "test.in").write_text("7\n")
    (root / "test.ans").write_text("42\n")
    for name, text in (
        ("kattis.cpp", KATTIS_VALIDATOR),
        ("cms.cpp", CMS_CHECKER),
        ("testlib.cpp", TESTLIB_CHECKER),
    ):
        (root / name).write_text(text)
    (root / "cms.py").write_text(
        "import sys\nout = open(sys.argv[3]).read().split()\nans = open(sys.argv[2]).read().split()\n"
        "print(1.0 if out == ans else 0.25)\nprint('python checker', file=sys.stderr)\n"
    )
    return {"root": root, "cache": root / "cache"}


def check(env: dict[str, Path], checker: Checker, output: str, answer: bool = True) -> checkers.CheckResult:
    out = env["root"] / "team.out"
    out.write_text(output)
    answer_path = env["root"] / "test.ans" if answer else None
    return run_checker(checker, env["cache"], env["root"] / "test.in", answer_path, out)


def kattis(env: dict[str, Path], flags: list[str] | None = None) -> Checker:
    return Checker(kind=CheckerKind.KATTIS, sources=[env["root"] / "kattis.cpp"], flags=flags or [])


def test_builtin_diff_through_run_checker(env: dict[str, Path]) -> None:
    assert check(env, Checker(), "42\n").verdict == Verdict.AC
    assert check(env, Checker(), "41\n").verdict == Verdict.WA


@pytest.mark.parametrize(
    ("output", "verdict", "score"),
    [
        ("42", Verdict.AC, 1.0),
        ("41", Verdict.WA, 0.0),
        ("", Verdict.WA, 0.0),
        ("half", Verdict.AC, 0.5),
        ("zero", Verdict.AC, 0.0),  # exit 42 accepts, whatever score it gives (problemtools)
        ("badscore", Verdict.JE, 0.0),
        ("crash", Verdict.JE, 0.0),
    ],
)
def test_kattis_validator(env: dict[str, Path], output: str, verdict: Verdict, score: float) -> None:
    result = check(env, kattis(env), output)
    assert (result.verdict, result.score) == (verdict, score)


def test_kattis_validator_messages_and_flags(env: dict[str, Path]) -> None:
    assert check(env, kattis(env), "41").message == "wrong: got 41"
    crash = check(env, kattis(env), "crash")
    assert "exited with 1" in crash.message and "validator broke" in crash.message
    flagged = check(env, kattis(env, ["float_tolerance", "1e-6", "custom"]), "flags")
    assert flagged.verdict == Verdict.WA and flagged.message == "float_tolerance;1e-6;custom;"


def test_kattis_validator_compiled_once(env: dict[str, Path]) -> None:
    check(env, kattis(env), "42")
    built = list((env["cache"] / "host-bin").glob("*/prog"))
    check(env, kattis(env), "41")
    assert list((env["cache"] / "host-bin").glob("*/prog")) == built


def test_kattis_validator_past_its_time_is_judge_error(env: dict[str, Path], monkeypatch) -> None:
    monkeypatch.setattr(checkers, "CHECKER_LIMITS", TrustedLimits(cpu_s=0.5, wall_s=0.5))
    result = check(env, kattis(env), "hang")
    assert result.verdict == Verdict.JE and "ran past" in result.message


@pytest.mark.parametrize(
    ("output", "verdict", "score"),
    [
        ("42", Verdict.AC, 1.0),
        ("41", Verdict.WA, 0.0),
        ("", Verdict.WA, 0.0),
        ("half", Verdict.AC, 0.5),
        ("crash", Verdict.JE, 0.0),
        ("silent", Verdict.JE, 0.0),
    ],
)
def test_cms_checker(env: dict[str, Path], output: str, verdict: Verdict, score: float) -> None:
    cms = Checker(kind=CheckerKind.CMS, sources=[env["root"] / "cms.cpp"])
    result = check(env, cms, output)
    assert (result.verdict, result.score) == (verdict, score)


def test_cms_checker_messages(env: dict[str, Path]) -> None:
    cms = Checker(kind=CheckerKind.CMS, sources=[env["root"] / "cms.cpp"])
    assert check(env, cms, "half").message == "partially correct"
    crash = check(env, cms, "crash")
    assert "exited with 2" in crash.message and "checker broke" in crash.message
    assert "no score" in check(env, cms, "silent").message


def test_python_cms_checker(env: dict[str, Path]) -> None:
    cms = Checker(kind=CheckerKind.CMS, sources=[env["root"] / "cms.py"])
    assert (check(env, cms, "42").verdict, check(env, cms, "42").score) == (Verdict.AC, 1.0)
    partial = check(env, cms, "x")
    assert (partial.verdict, partial.score, partial.message) == (Verdict.AC, 0.25, "python checker")


@pytest.mark.parametrize(
    ("output", "verdict", "score"),
    [
        ("42", Verdict.AC, 1.0),  # exit 0
        ("41", Verdict.WA, 0.0),  # exit 1
        ("pe", Verdict.WA, 0.0),  # exit 2
        ("fail", Verdict.JE, 0.0),  # exit 3
        ("partial", Verdict.AC, 0.25),  # exit 7, points on stderr
        ("partial_stdout", Verdict.AC, 0.75),  # exit 7, points on stdout
        ("partial_noscore", Verdict.JE, 0.0),  # exit 7 without points
        ("weird", Verdict.JE, 0.0),  # an exit code testlib does not use
    ],
)
def test_testlib_checker(env: dict[str, Path], output: str, verdict: Verdict, score: float) -> None:
    testlib = Checker(kind=CheckerKind.TESTLIB, sources=[env["root"] / "testlib.cpp"])
    result = check(env, testlib, output)
    assert (result.verdict, result.score) == (verdict, score)


def test_checker_that_does_not_compile(env: dict[str, Path]) -> None:
    broken = env["root"] / "broken.cpp"
    broken.write_text("int main( {")
    with pytest.raises(checkers.PackageError) as info:
        check(env, Checker(kind=CheckerKind.CMS, sources=[broken]), "42")
    message = str(info.value)
    assert "broken.cpp" in message and "does not compile" in message and "error" in message
    assert "\n" not in message


def test_a_repeated_output_is_checked_once(env: dict[str, Path], monkeypatch) -> None:
    """Many candidates print the same output: the custom checker (a trusted box each time) judges each
    distinct output of a test once; a checker's failure is not remembered."""
    calls: list[Path] = []
    real = checkers._run_custom

    def counted(*args, **kwargs):
        calls.append(args[4])
        return real(*args, **kwargs)

    monkeypatch.setattr(checkers, "_run_custom", counted)
    monkeypatch.setattr(checkers, "_checks", {})  # not what earlier tests of this module left there
    checker = Checker(kind=CheckerKind.CMS, sources=[env["root"] / "cms.cpp"])
    first = check(env, checker, "42 repeated")
    again = check(env, checker, "42 repeated")
    assert again == first and len(calls) == 1
    assert check(env, checker, "half").score == 0.5 and len(calls) == 2
    assert check(env, checker, "crash").verdict == Verdict.JE
    assert check(env, checker, "crash").verdict == Verdict.JE and len(calls) == 4
