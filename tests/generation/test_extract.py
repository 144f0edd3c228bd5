"""Code extraction on completions shaped like real model output."""

from __future__ import annotations

import pytest

from ioi_agent.generation.extract import extract_code, strip_reasoning
from ioi_agent.generation.pool import CodeStatus

CPP = """#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n; cin >> n;
    cout << n * (n + 1) / 2 << "\\n";
}
"""

PY = """import sys
def main():
    n = int(sys.stdin.readline())
    print(n * (n + 1) // 2)
main()
"""


def test_last_fenced_block_of_the_language_wins() -> None:
    completion = f"""We need the sum 1..n. A first try:

```cpp
int main() {{ return 1; }}
```

That overflows. Here is a sample input:

```
5
```

Final answer:

```cpp
{CPP}```

This runs in O(1)."""
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.OK
    assert got.code == CPP


def test_reasoning_is_stripped_even_when_it_holds_code() -> None:
    completion = f"""<think>
Maybe brute force:
```cpp
int main() {{ for(;;); }}
```
No, closed form is better.
</think>
The answer uses the closed form.

```c++
{CPP}```
"""
    assert extract_code(completion, "cpp").code == CPP


def test_reasoning_opened_by_the_chat_template_is_stripped_up_to_the_last_close() -> None:
    # DeepSeek-R1-style templates put <think> in the prompt: the completion has only the closing tag.
    completion = f"""Let me think.\n```cpp\nint main(){{}}\n```\nbetter idea\n</think>\n\n```cpp\n{CPP}```"""
    assert extract_code(completion, "cpp").code == CPP


def test_completion_that_never_leaves_reasoning_has_no_code() -> None:
    completion = "<think>\nThe constraints say N <= 10^5, so ```cpp\nint main() {"
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.NO_CODE and got.code == ""
    assert got.reason == "only reasoning"
    assert strip_reasoning(completion) == ""


def test_python_requested_takes_the_python_block() -> None:
    completion = f"In C++ it would be:\n```cpp\n{CPP}```\nbut in Python:\n```python\n{PY}```\n"
    assert extract_code(completion, "python").code == PY
    assert extract_code(completion, "cpp").code == CPP


def test_untagged_fence_is_used_when_it_looks_like_the_language() -> None:
    completion = f"Solution:\n```\n{CPP}```\nExample input:\n```\n3\n```\n"
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.OK and got.code == CPP and got.reason == "untagged fence"
    assert extract_code(f"```\n{PY}```", "python").code == PY
    # A C++ program in an untagged fence is not taken as Python.
    assert extract_code(f"```\n{CPP}```", "python").status == CodeStatus.NO_CODE


def test_unfenced_program_is_found() -> None:
    completion = f"Here is my solution.\n\n{CPP}\nIt reads n and prints the sum."
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.OK and got.reason == "no fence"
    assert got.code.startswith("#include <bits/stdc++.h>") and got.code.rstrip().endswith("}")
    assert "It reads n" not in got.code
    py = extract_code(f"My answer:\n{PY}", "python")
    assert py.status == CodeStatus.OK and py.code == PY


def test_fence_cut_off_by_the_token_limit_is_truncated() -> None:
    completion = "Plan: prefix sums.\n```cpp\n#include <bits/stdc++.h>\nint main() {\n    int n;"
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.TRUNCATED
    assert got.code.startswith("#include") and got.code.endswith("int n;\n")


def test_a_closed_block_beats_a_later_unfinished_rewrite() -> None:
    completion = f"```cpp\n{CPP}```\nLet me optimise it further:\n```cpp\n#include <cstdio>\nint main() {{"
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.OK and got.code == CPP


def test_longer_fences_and_tildes_hold_inner_backticks() -> None:
    inner = 'int main() { const char* s = "```"; return 0; }\n'
    assert extract_code(f"````cpp\n{inner}````\n", "cpp").code == inner
    assert extract_code(f"~~~cpp\n{CPP}~~~\n", "cpp").code == CPP


@pytest.mark.parametrize(
    ("completion", "reason"),
    [
        ("I cannot solve this problem.", "no code block"),
        ("", "no code block"),
        ("```java\nclass Main {}\n```", "code only in other languages: java"),
    ],
)
def test_completions_without_code_say_why(completion: str, reason: str) -> None:
    got = extract_code(completion, "cpp")
    assert got.status == CodeStatus.NO_CODE and got.code == "" and got.reason == reason


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        extract_code("x", "rust")
