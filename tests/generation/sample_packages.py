"""Small Kattis packages written on the spot for the generation tests."""

from __future__ import annotations

from pathlib import Path

STATEMENT_MD = """\
# Pair Sums

Given $N$ integers $a_1, \\ldots, a_N$, print the largest sum of two different elements.

## Input

The first line contains $N$ ($2 \\le N \\le 200\\,000$). The second line contains $a_1, \\ldots, a_N$
($0 \\le a_i \\le 10^9$).

## Output

Print one integer.

## Scoring

| Subtask | Points | Constraints |
|---|---|---|
| 1 | 30 | $N \\le 100$ |
| 2 | 70 | No additional constraints |
"""

HEADER = """\
#include <vector>
long long best_pair(std::vector<int> a);
"""

ACCEPTED_CPP = """\
#include <bits/stdc++.h>
int main() {
    int n; std::cin >> n;
    std::vector<long long> a(n);
    for (auto &x : a) std::cin >> x;
    std::sort(a.rbegin(), a.rend());
    std::cout << a[0] + a[1] << "\\n";
}
"""

WRONG_PY = """\
n = int(input())
a = list(map(int, input().split()))
print(max(a) * 2)
"""


def make_package(
    root: Path,
    name: str = "pairsum",
    *,
    function_style: bool = False,
    submissions: bool = False,
    statement: str = STATEMENT_MD,
) -> Path:
    pkg = root / name
    (pkg / "problem_statement").mkdir(parents=True)
    (pkg / "problem.yaml").write_text(
        "name: Pair Sums\ntype: scoring\nlimits:\n  time_limit: 1\n  memory: 256\n"
    )
    (pkg / "problem_statement" / "problem.en.md").write_text(statement)
    sample = pkg / "data" / "sample"
    sample.mkdir(parents=True)
    (sample / "1.in").write_text("3\n1 5 2\n")
    (sample / "1.ans").write_text("7\n")
    for group, points, tests in (
        ("group1", 30, ["3\n1 2 3\n"]),
        ("group2", 70, ["2\n4 4\n", "4\n0 0 0 9\n"]),
    ):
        folder = pkg / "data" / "secret" / group
        folder.mkdir(parents=True)
        (folder / "testdata.yaml").write_text(f"grader_flags: min\naccept_score: {points}\n")
        for i, text in enumerate(tests, start=1):
            (folder / f"{i}.in").write_text(text)
            (folder / f"{i}.ans").write_text("0\n")
    if function_style:
        inc = pkg / "include" / "cpp"
        inc.mkdir(parents=True)
        (inc / "pairsum.h").write_text(HEADER)
        (inc / "grader.cpp").write_text('#include "pairsum.h"\nint main() { return 0; }\n')
    if submissions:
        for label, fname, text in (
            ("accepted", "sort.cpp", ACCEPTED_CPP),
            ("wrong_answer", "double_max.py", WRONG_PY),
        ):
            folder = pkg / "submissions" / label
            folder.mkdir(parents=True)
            (folder / fname).write_text(text)
    return pkg
