"""A tiny batch problem ("print 2n") and known programs, generators and validators for the selection tests.

The problem has two samples (n = 3 and n = 120) and two subtasks, group1 (n <= 100) and group2 (no limit).
The cycling generator prints n = 1, 51, 101, 151, 1, 51, ... for seeds 0, 1, 2, ...: with 8 seeds that is 4
distinct inputs and 4 duplicates.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ioi_agent.packages import load_problem
from ioi_agent.packages.model import Problem
from ioi_agent.selection.model import Candidate, CandidatePool
from tests.conftest import write_kattis_problem

TIME_LIMIT = 0.3
HEAD = "#include <bits/stdc++.h>\nusing namespace std;\n"
READ = "long long n; if (!(cin >> n)) return 1;"

CORRECT = HEAD + f"int main() {{ {READ} cout << 2 * n << endl; }}\n"
CORRECT_PY = "n = int(input())\nprint(2 * n)\n"
# Same output as CORRECT up to trailing spaces and blank lines: must hash alike.
SPACEY = HEAD + f'int main() {{ {READ} cout << 2 * n << "  \\r\\n\\n\\n"; }}\n'
WRONG = HEAD + f"int main() {{ {READ} cout << (n > 100 ? 2 * n + 1 : 2 * n) << endl; }}\n"
CRASH = HEAD + f"int main() {{ {READ} if (n > 100) abort(); cout << 2 * n << endl; }}\n"
TLE = (
    HEAD + f"int main() {{ {READ} volatile long long x = 0; while (n > 100) x++; cout << 2 * n << endl; }}\n"
)
CE = HEAD + "int main() { this is not C++ }\n"

GEN_CYCLE = (
    HEAD + 'int main(int argc, char** argv) { int s = atoi(argv[1]); printf("%d\\n", (s % 4) * 50 + 1); }\n'
)
# Prints n = seed + 1000 except that it crashes on seeds 3 (mod 4).
GEN_CRASHY = (
    HEAD
    + 'int main(int argc, char** argv) { int s = atoi(argv[1]); if (s % 4 == 3) abort(); printf("%d\\n", s + 1000); }\n'
)
GEN_BROKEN = HEAD + "int main(int argc, char** argv) { syntax error }\n"
GEN_EMPTY = HEAD + "int main() { return 0; }\n"
VAL_ALL = HEAD + 'int main() { int n; return scanf("%d", &n) == 1 ? 0 : 1; }\n'
VAL_LE100 = HEAD + 'int main() { int n; if (scanf("%d", &n) != 1) return 1; return n > 100 ? 1 : 0; }\n'


def make_problem(root: Path) -> Problem:
    tests = {"a": ("5\n", "10\n"), "b": ("60\n", "120\n"), "c": ("150\n", "300\n")}
    write_kattis_problem(root, tests, groups={"group1": (40, ["a", "b"]), "group2": (60, ["c"])})
    yaml = root / "problem.yaml"
    yaml.write_text(yaml.read_text().replace("time_limit: 1.0", f"time_limit: {TIME_LIMIT}"))
    for name, (inp, ans) in {"1": ("3\n", "6\n"), "2": ("120\n", "240\n")}.items():
        (root / "data" / "sample" / f"{name}.in").write_text(inp)
        (root / "data" / "sample" / f"{name}.ans").write_text(ans)
    return load_problem(root)


def program(
    cid: str, code: str, subtask: str | None = None, language: str = "cpp", **extra: object
) -> Candidate:
    return Candidate(id=cid, problem="tiny", subtask=subtask, language=language, code=code, **extra)


def make_pool(
    candidates: list[Candidate],
    generators: list[Candidate] | None = None,
    validators: list[Candidate] | None = None,
) -> CandidatePool:
    return CandidatePool(
        problem="tiny", candidates=candidates, generators=generators or [], validators=validators or []
    )


def digest(text: str) -> str:
    """The hash the judge records for an output that normalises to `text`."""
    return hashlib.sha256(text.encode()).hexdigest()


def input_id(n: int) -> str:
    """The id (SHA-256) of the generated input holding just n."""
    return hashlib.sha256(f"{n}\n".encode()).hexdigest()
