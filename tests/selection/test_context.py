"""The public view, subtask containment, and a whole context for a demo problem from its submissions/
(no generators: the public examples stand in)."""

from __future__ import annotations

from pathlib import Path

from ioi_agent.packages import load_problem
from ioi_agent.packages import model as pm
from ioi_agent.packages.model import Limits, Problem, Subtask
from ioi_agent.selection.candidates import load_pool
from ioi_agent.selection.context import build_context, containment, public_view
from ioi_agent.selection.features import FEATURE_NAMES
from tests.conftest import REPO

LANTERNS = REPO / "problems" / "demo" / "lanterns"


def test_public_view_keeps_only_the_samples() -> None:
    full = load_problem(LANTERNS)
    view = public_view(full)
    assert sorted(view.tests) == sorted(full.samples) == ["sample/001-sample", "sample/002-sample"]
    assert all("/data/sample/" in str(t.input) for t in view.tests.values())
    assert [(s.name, s.points, s.tests) for s in view.subtasks] == [
        (s.name, s.points, []) for s in full.subtasks
    ]
    assert view.groups is not None
    stack = [view.groups]
    while stack:
        group = stack.pop()
        assert all(t in view.samples for t in group.tests)
        stack.extend(group.children)
    assert len(full.tests) > 2 and full.subtasks[0].tests  # the full problem is untouched
    assert view.limits is not full.limits and view.limits == full.limits


def test_containment_by_test_files() -> None:
    # Lanterns' group3 links the tests of group1 and group2 (different names, same files).
    assert containment(load_problem(LANTERNS)) == {"group1": [], "group2": [], "group3": ["group1", "group2"]}

    def case(name: str) -> pm.TestCase:
        return pm.TestCase(name=name, input=Path(f"/x/{name}.in"))

    problem = Problem(
        name="p",
        title="p",
        root=Path("/x"),
        format="cms",
        limits=Limits(time_s=1.0),
        tests={n: case(n) for n in ("1", "2", "3")},
        subtasks=[
            Subtask(name="a", points=10, tests=["1"]),
            Subtask(name="b", points=20, tests=["1", "2"]),
            Subtask(name="same", points=20, tests=["2", "1"]),  # equal sets: not strict
            Subtask(name="all", points=50, tests=["1", "2", "3"]),
            Subtask(name="none", points=0, tests=[]),
        ],
    )
    assert containment(problem) == {
        "a": [],
        "b": ["a"],
        "same": ["a"],
        "all": ["a", "b", "same"],
        "none": [],
    }


def test_context_for_a_demo_problem_from_its_submissions(tmp_path: Path) -> None:
    full = load_problem(LANTERNS)
    view = public_view(full)
    pool = load_pool(LANTERNS / "submissions", view)
    context = build_context(
        view, pool, sandbox="bwrap", jobs=2, inputs_per_subtask=8, work=tmp_path, contains=containment(full)
    )
    assert (
        context.inputs.fallback and context.inputs.note == "no generators in the pool: public examples only"
    )
    assert context.subtasks == ["group1", "group2", "group3"]
    assert context.points == {s.name: s.points for s in full.subtasks}
    assert context.contains["group3"] == ["group1", "group2"]
    labels = {c.id: c.label for c in pool.candidates}
    ex = context.matrix.executions
    not_compiled = {labels[cid] for cid, e in ex.items() if not e.compiled}
    assert not_compiled == {"compile_error"}
    for subtask in context.subtasks:
        clusters = context.clusters[subtask]
        sizes = [len(c.members) for c in clusters]
        assert sizes == sorted(sizes, reverse=True) and sum(sizes) == len(pool.candidates) - 1
        # Both accepted programs behave alike on the examples and share the largest cluster.
        accepted = [cid for cid, label in labels.items() if label == "accepted"]
        assert set(accepted) <= set(clusters[0].members)
        feats = context.features[subtask]
        for cid in accepted:
            assert feats[cid].values["public_all_passed"] == 1.0 and feats[cid].values["codet_score"] == 1.0
        crashing = next(cid for cid, label in labels.items() if label == "run_time_error")
        assert feats[crashing].values["public_pass_rate"] < 1.0
        assert all(list(f.values) == FEATURE_NAMES for f in feats.values())
