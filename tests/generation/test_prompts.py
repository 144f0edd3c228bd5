"""Prompts on real statements (LaTeX from ../shared, Markdown demo packages) and packages written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.pool import RecordKind
from ioi_agent.generation.prompts import (
    Templates,
    build_prompt,
    prompts_for,
    restrict_to_subtask,
    subtask_number,
)
from ioi_agent.packages import load_problem
from tests.conftest import REPO, SHARED
from tests.generation.sample_packages import make_package

SWEDISH = SHARED / "data" / "kattis" / "swedish-olympiad-2024"
DEMO = REPO / "problems" / "demo"
real_data = pytest.mark.skipif(not SWEDISH.is_dir(), reason=f"the shared real packages are not at {SWEDISH}")
demo_data = pytest.mark.skipif(not (DEMO / "terraces").is_dir(), reason="demo packages not present")

BRANDPOST_ROWS = {
    1: r"$W,H \le 10$, $N=1$",
    2: r"$W,H,N \le 50$",
    3: r"$W,H \le 100$, $N\le 200$",
    4: r"$W,H \le 150$",
    5: r"No additional constraints.",
}


def user_text(prompt) -> str:  # type: ignore[no-untyped-def]
    return prompt.messages[-1]["content"]


@real_data
def test_per_subtask_prompts_keep_only_their_row_of_a_latex_table() -> None:
    problem = load_problem(SWEDISH / "brandpost")
    prompts = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, Templates.load())
    assert [p.subtask for p in prompts] == ["group1", "group2", "group3", "group4", "group5"]
    for number, prompt in enumerate(prompts, start=1):
        text = user_text(prompt)
        assert BRANDPOST_ROWS[number] in text
        assert all(row not in text for n, row in BRANDPOST_ROWS.items() if n != number)
        assert f"subtask {number} only" in text
        assert r"\textbf{Group}" in text  # the table's header stays
        assert "Fire Hydrant" in text and "\\problemname" not in text
        # The rest of the statement and the public examples are all there.
        assert "minimum total number of water units" in text and "5 4 2\n4 1\n2 3" in text
    whole = prompts_for(problem, RecordKind.CANDIDATE, "cpp", False, Templates.load())
    assert len(whole) == 1 and whole[0].subtask is None
    assert all(row in user_text(whole[0]) for row in BRANDPOST_ROWS.values())


@real_data
@pytest.mark.parametrize("name", sorted(p.name for p in SWEDISH.iterdir()) if SWEDISH.is_dir() else [])
def test_every_real_statement_loses_the_other_subtasks(name: str) -> None:
    problem = load_problem(SWEDISH / name)
    prompts = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, Templates.load())
    whole = user_text(prompts_for(problem, RecordKind.CANDIDATE, "cpp", False, Templates.load())[0])
    for prompt in prompts:
        assert len(user_text(prompt)) < len(whole) + 400  # the note is short; other rows are gone
        others = [p for p in prompts if p is not prompt]
        assert all(user_text(p) != user_text(prompt) for p in others)


@demo_data
def test_markdown_table_and_function_style_interface() -> None:
    problem = load_problem(DEMO / "terraces")
    prompts = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, Templates.load())
    second = user_text(prompts[1])
    assert "| 2       | 20     | $L = 0$ in every call to `water` |" in second
    assert "$N \\le 300$, $Q \\le 300$" not in second and "$H[i] \\le 10$" not in second
    assert "Do not write a main function" in second
    assert "long long water(int L, int R);" in second  # the header is shown
    assert '#include "terraces.h"' in second
    assert "grader.cpp" not in second  # the grader's source is not shown
    assert "## Examples" not in second  # the statement has its own example already


def test_written_package_prompt_parts(tmp_path: Path) -> None:
    problem = load_problem(make_package(tmp_path))
    templates = Templates.load()
    (whole,) = prompts_for(problem, RecordKind.CANDIDATE, "python", False, templates)
    text = user_text(whole)
    assert whole.language == "python" and whole.subtask is None
    assert "in Python 3" in text and "```python" in text
    assert "time limit 1 s per test, memory limit 256 MB" in text
    assert "Input:\n```\n3\n1 5 2\n```" in text and "Output:\n```\n7\n```" in text
    assert "standard input" in text
    assert [m["role"] for m in whole.messages] == ["user"]  # the default system template is empty
    # Generators and validators are C++ and per subtask, whatever was asked for the solutions.
    gens = prompts_for(problem, RecordKind.GENERATOR, "python", False, templates)
    assert [(g.subtask, g.language) for g in gens] == [("group1", "cpp"), ("group2", "cpp")]
    assert "seed as its first command-line argument" in user_text(gens[0])
    assert "valid for subtask 2" in user_text(
        prompts_for(problem, RecordKind.VALIDATOR, "cpp", False, templates)[1]
    )


def test_function_style_package_forbids_main(tmp_path: Path) -> None:
    problem = load_problem(make_package(tmp_path, function_style=True))
    text = user_text(prompts_for(problem, RecordKind.CANDIDATE, "cpp", False, Templates.load())[0])
    assert "function-style" in text and "long long best_pair(std::vector<int> a);" in text
    assert "Grader input:" in text


def test_prompt_hash_is_stable_and_tracks_content(tmp_path: Path) -> None:
    problem = load_problem(make_package(tmp_path))
    a = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, Templates.load())
    b = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, Templates.load())
    assert [p.sha256 for p in a] == [p.sha256 for p in b]
    assert len({p.sha256 for p in a}) == 2
    c = prompts_for(problem, RecordKind.CANDIDATE, "python", True, Templates.load())
    assert not {p.sha256 for p in a} & {p.sha256 for p in c}


def test_user_templates_override_by_file_name(tmp_path: Path) -> None:
    problem = load_problem(make_package(tmp_path))
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "system.txt").write_text("You are a careful $language_name programmer.\n")
    (folder / "solve.txt").write_text(
        "Subtask $subtask ($points points) of $title costs $$5.\n$subtask_note\n"
    )
    templates = Templates.load(folder)
    prompt = prompts_for(problem, RecordKind.CANDIDATE, "cpp", True, templates)[1]
    assert prompt.messages[0] == {"role": "system", "content": "You are a careful C++17 programmer."}
    assert prompt.messages[1]["content"].startswith("Subtask group2 (70 points) of Pair Sums costs $5.")
    # Files not overridden keep the defaults.
    assert "seed" in user_text(prompts_for(problem, RecordKind.GENERATOR, "cpp", False, templates)[0])


def test_bad_templates_give_one_line_errors(tmp_path: Path) -> None:
    problem = load_problem(make_package(tmp_path))
    with pytest.raises(IoiAgentError, match="templates folder not found"):
        Templates.load(tmp_path / "nope")
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "solve.txt").write_text("Solve $nonsense\n")
    with pytest.raises(IoiAgentError, match=r"solve.txt: unknown or bad placeholder 'nonsense'"):
        build_prompt(problem, RecordKind.CANDIDATE, "cpp", None, Templates.load(folder))
    with pytest.raises(IoiAgentError, match="unknown language"):
        build_prompt(problem, RecordKind.CANDIDATE, "rust", None, Templates.load())


def test_missing_statement_is_a_clear_error(tmp_path: Path) -> None:
    pkg = make_package(tmp_path)
    (pkg / "problem_statement" / "problem.en.md").unlink()
    problem = load_problem(pkg)
    with pytest.raises(IoiAgentError, match="no statement file found"):
        prompts_for(problem, RecordKind.CANDIDATE, "cpp", False, Templates.load())


def test_subtask_numbers_and_restriction_forms() -> None:
    assert [subtask_number(n) for n in ("group3", "02-small", "subtask1", "secret")] == [3, 2, 1, None]
    text = "\n".join(
        [
            "## Subtasks",
            "1. (10 points) $N \\le 10$",
            "2. (90 points) no additional constraints",
            "- Subtask 1: tiny",
            "- Subtask 2: huge",
            "### Subtask 1",
            "Only small cases.",
            "### Subtask 2",
            "All cases.",
            "## Notes",
            "Keep me.",
        ]
    )
    kept, found = restrict_to_subtask(text, 2, {1, 2})
    assert found
    assert "$N \\le 10$" not in kept and "tiny" not in kept and "Only small cases." not in kept
    assert (
        "no additional constraints" in kept and "huge" in kept and "All cases." in kept and "Keep me." in kept
    )
    unchanged, found = restrict_to_subtask("No subtasks here.", 1, {1, 2})
    assert unchanged == "No subtasks here." and not found


def test_statement_that_is_not_text_is_refused(tmp_path: Path) -> None:
    pkg = make_package(tmp_path)
    problem = load_problem(pkg)
    pdf = pkg / "problem_statement" / "problem.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(IoiAgentError, match="needs a text statement, not .pdf"):
        prompts_for(
            problem.model_copy(update={"statement": pdf}),
            RecordKind.CANDIDATE,
            "cpp",
            False,
            Templates.load(),
        )
