"""Loader for Polygon packages (Codeforces' format): `problem.xml` and the files it names.

What is read from `problem.xml`:

- `<problem short-name>` (the name; else the folder's), `<names><name language value>` (the English title
  first).
- `<judging input-file output-file>` (empty: stdin / stdout) and its first `<testset>` (the one named
  `tests` when there are several): `time-limit` (ms), `memory-limit` (bytes), `input-path-pattern` /
  `answer-path-pattern` (printf patterns of the 1-based test number, e.g. `tests/%02d` and `tests/%02d.a`),
  `<tests><test method cmd sample group points>` and `<groups><group name points points-policy>` with
  `<dependencies><dependency group>`.
- `<assets>`: `<checker type="testlib"><source path>` (testlib convention `check input output answer`:
  `CheckerKind.TESTLIB`), `<interactor>`, `<validators><validator>`, `<solutions><solution tag><source
  path type>` (type: the language, see judge/languages.py); `<files><resources><file path>` headers (testlib.h, ...) go beside the checker when compiled.
- `<statements><statement language type path>`: the English one, LaTeX before HTML before PDF.

Scoring: without groups and points, pass/fail (one 100-point subtask "all", samples included, as Kattis's
pass/fail problems). With groups, one subtask per group: `complete-group` is worth the group's `points`
(else the sum of its tests' points) when every test passes; `each-test` gives each test its own points
(one Sum subtask when they are equal, else a one-test subtask per test). A group's dependencies (and
theirs) put their tests into its subtask first, so it scores only when they all pass, as Polygon awards
it. Tests with points but no groups: one subtask per test value, likewise.

Tests must be stored in the package (`tests/01`, answers `tests/01.a`, as Polygon's full packages have
them); a generated test that is absent, or a missing answer, is one error line naming the test and the
fix (export the full package with tests, or run `doall.sh`). Every solution keeps its Polygon tag
(`PolygonSubmission.tag`): `verify` checks the verdict is one of the tag's verdicts
(`judge/labels.POLYGON_TAG_VERDICTS`: main, accepted, rejected, wrong-answer, presentation-error,
time-limit-exceeded, memory-limit-exceeded, failed, time-limit-exceeded-or-accepted,
time-limit-exceeded-or-memory-limit-exceeded; do-not-run and unknown tags promise nothing). Its label is
the Kattis folder of the same meaning where there is one (main / accepted -> accepted, which the time
limit derivation reads), else the tag itself.

Interactive problems: Polygon interactors follow testlib's convention (`interactor input output answer`,
the program on its stdin/stdout, then the checker reads `output`): the problem is INTERACTIVE with
`interactor_convention` "testlib" (judge/testlib_interactive.py), the interactor compiled with the
package's headers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pydantic import Field

from ioi_agent.errors import PackageError
from ioi_agent.packages.model import (
    Checker,
    CheckerKind,
    Limits,
    Problem,
    Submission,
    Subtask,
    TaskType,
    TestCase,
)

PASS_FAIL_POINTS = 100.0
TAG_LABELS = {
    "main": "accepted",
    "accepted": "accepted",
    "wrong-answer": "wrong_answer",
    "presentation-error": "wrong_answer",
    "time-limit-exceeded": "time_limit_exceeded",
    "memory-limit-exceeded": "memory_limit_exceeded",
    "failed": "run_time_error",
}
STATEMENT_TYPES = ("application/x-tex", "text/html", "application/pdf")
FULL_FIX = (
    "download the full package (with tests) from Polygon, or run doall.sh in the package to generate them"
)


class PolygonSubmission(Submission):
    tag: str  # the Polygon solution tag (main, accepted, wrong-answer, ...)


class PolygonProblem(Problem):
    """A `Problem` plus what only Polygon says."""

    submissions: list[PolygonSubmission] = Field(default_factory=list)
    validators: list[Path] = Field(default_factory=list)
    interactor: list[Path] = Field(default_factory=list)


def is_polygon(root: Path) -> bool:
    return (root / "problem.xml").is_file()


def load_polygon(root: Path) -> PolygonProblem:
    root = Path(root).resolve()
    xml_path = root / "problem.xml"
    try:
        doc = ET.parse(xml_path).getroot()
    except ET.ParseError as exc:
        raise PackageError(xml_path, f"invalid XML: {exc}", fix="correct problem.xml") from None
    except OSError as exc:
        raise PackageError(xml_path, f"cannot read: {exc.strerror}") from None
    name = doc.get("short-name") or root.name
    judging = doc.find("judging")
    testset = _testset(judging, xml_path)
    headers = [
        _file(root, f.get("path"), xml_path)
        for f in doc.iterfind("files/resources/file")
        if f.get("path", "").endswith((".h", ".hpp"))
    ]
    interactor = [_file(root, s.get("path"), xml_path) for s in doc.iterfind("assets/interactor/source")]
    tests = _tests(root, testset, xml_path)
    subtasks, scoring = _subtasks(testset, list(tests), xml_path)
    return PolygonProblem(
        name=name,
        title=_title(doc) or name,
        root=root,
        format="polygon",
        task_type=TaskType.INTERACTIVE if interactor else TaskType.BATCH,
        # Polygon interactors speak testlib's protocol; compiled with the package's headers (testlib.h).
        manager_sources=[*interactor, *headers] if interactor else [],
        interactor_convention="testlib",
        scoring=scoring,
        limits=_limits(testset, xml_path),
        tests=tests,
        samples=[t.name for t in tests.values() if t.is_sample],
        subtasks=subtasks,
        checker=_checker(root, doc, headers, xml_path),
        input_file=_io_name(judging, "input-file"),
        output_file=_io_name(judging, "output-file"),
        statement=_statement(root, doc),
        submissions=_solutions(root, doc, xml_path),
        validators=[
            _file(root, s.get("path"), xml_path) for s in doc.iterfind("assets/validators/validator/source")
        ],
    )


def _title(doc: ET.Element) -> str | None:
    names = {n.get("language", ""): n.get("value", "") for n in doc.iterfind("names/name")}
    return names.get("english") or next(iter(names.values()), None)


def _testset(judging: ET.Element | None, path: Path) -> ET.Element:
    sets = judging.findall("testset") if judging is not None else []
    if not sets:
        raise PackageError(
            path, "no <judging><testset>", field="judging", fix="export the package from Polygon again"
        )
    return next((s for s in sets if s.get("name") == "tests"), sets[0])


def _number(element: ET.Element, tag: str, path: Path) -> float:
    node = element.find(tag)
    try:
        return float(node.text or "") if node is not None else float("nan")
    except ValueError:
        raise PackageError(
            path, "expected a number", field=f"testset.{tag}", fix="correct problem.xml"
        ) from None


def _limits(testset: ET.Element, path: Path) -> Limits:
    time_ms, memory = _number(testset, "time-limit", path), _number(testset, "memory-limit", path)
    if not time_ms > 0 or not memory > 0:
        raise PackageError(
            path, "missing time-limit or memory-limit", field="testset", fix="give both (ms, bytes)"
        )
    return Limits(
        time_s=time_ms / 1000,
        time_source="problem.xml time-limit",
        memory_mb=max(1, round(memory / (1 << 20))),
    )


def _io_name(judging: ET.Element | None, key: str) -> str:
    value = (judging.get(key) if judging is not None else "") or ""
    return "" if value in ("stdin", "stdout") else value


def _file(root: Path, rel: str | None, path: Path) -> Path:
    target = (root / (rel or "")).resolve()
    if not rel or not target.is_relative_to(root) or not target.is_file():
        raise PackageError(path, f"names a missing file {rel!r}", fix="export the package from Polygon again")
    return target


def _tests(root: Path, testset: ET.Element, path: Path) -> dict[str, TestCase]:
    patterns = [testset.findtext(k) or "" for k in ("input-path-pattern", "answer-path-pattern")]
    if not patterns[0]:
        raise PackageError(
            path, "no input-path-pattern", field="testset", fix="export the package from Polygon again"
        )
    entries = testset.findall("tests/test")
    if not entries:
        raise PackageError(path, "the testset has no tests", field="testset.tests", fix=FULL_FIX)
    width = max(2, len(str(len(entries))))
    out: dict[str, TestCase] = {}
    for i, entry in enumerate(entries, 1):
        inp = root / (patterns[0] % i)
        ans = root / (patterns[1] % i) if patterns[1] else None
        if not inp.is_file():
            how = f"generated by `{entry.get('cmd')}`" if entry.get("method") == "generated" else "manual"
            raise PackageError(inp, f"test {i} ({how}) is not stored in the package", fix=FULL_FIX)
        if ans is None or not ans.is_file():
            raise PackageError(
                ans or path,
                f"test {i} has no answer file",
                fix="export the package with answers (tests/NN.a), or run doall.sh with the main solution",
            )
        name = f"{i:0{width}d}"
        out[name] = TestCase(
            name=name, input=inp.resolve(), answer=ans.resolve(), is_sample=entry.get("sample") == "true"
        )
    return out


def _points(value: str | None) -> float:
    try:
        return float(value) if value not in (None, "") else 0.0
    except ValueError:
        return 0.0


def _subtasks(testset: ET.Element, names: list[str], path: Path) -> tuple[list[Subtask], bool]:
    entries = testset.findall("tests/test")
    points = [_points(e.get("points")) for e in entries]
    groups = [e.get("group") for e in entries]
    if not any(groups) and not any(points):
        return [Subtask(name="all", points=PASS_FAIL_POINTS, tests=list(names))], False
    if not any(groups):
        return _each_test("tests", names, points), True
    spec = {g.get("name", ""): g for g in testset.iterfind("groups/group")}
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        if not g:
            raise PackageError(
                path,
                f"test {i + 1} has no group while others have",
                field="testset.tests",
                fix="give every test a group",
            )
        members.setdefault(g, []).append(i)
    for g in spec:
        members.setdefault(g, [])
    subtasks: list[Subtask] = []
    for group, idx in members.items():
        element = spec.get(group)
        deps = [names[i] for d in _closure(group, spec, path) for i in members.get(d, [])]
        own = [names[i] for i in idx]
        policy = element.get("points-policy", "complete-group") if element is not None else "each-test"
        if policy == "each-test":
            if deps:
                # Each test is worth its points only if the dependencies all pass: a subtask per test.
                subtasks += [
                    Subtask(name=f"{group}/{names[i]}", points=points[i], tests=[*deps, names[i]])
                    for i in idx
                ]
            else:
                subtasks += _each_test(group, own, [points[i] for i in idx])
            continue
        value = (
            _points(element.get("points"))
            if element is not None and element.get("points")
            else sum(points[i] for i in idx)
        )
        subtasks.append(Subtask(name=group, points=value, tests=[*dict.fromkeys([*deps, *own])]))
    return [s for s in subtasks if s.tests], True


def _each_test(group: str, names: list[str], points: list[float]) -> list[Subtask]:
    if not names:
        return []
    if len(set(points)) == 1:
        # CMS Sum: every test an equal share, no early stop.
        return [
            Subtask(
                name=group,
                points=points[0] * len(names),
                tests=names,
                stop_on_failure=False,
                score_type="Sum",
            )
        ]
    return [Subtask(name=f"{group}/{n}", points=p, tests=[n]) for n, p in zip(names, points, strict=True)]


def _closure(group: str, spec: dict[str, ET.Element], path: Path) -> list[str]:
    """Every group `group` depends on, directly or not, in dependency order; a cycle is an error."""
    out: list[str] = []

    def visit(g: str, stack: tuple[str, ...]) -> None:
        element = spec.get(g)
        for dep in element.iterfind("dependencies/dependency") if element is not None else []:
            d = dep.get("group", "")
            if d in stack:
                raise PackageError(
                    path,
                    f"groups depend on each other in a cycle ({' -> '.join([*stack, d])})",
                    field="groups",
                    fix="remove one dependency",
                )
            if d not in spec:
                raise PackageError(
                    path,
                    f"group {g!r} depends on unknown group {d!r}",
                    field="groups",
                    fix="correct the dependency",
                )
            visit(d, (*stack, d))
            if d not in out:
                out.append(d)

    visit(group, (group,))
    return out


def _checker(root: Path, doc: ET.Element, headers: list[Path], path: Path) -> Checker:
    element = doc.find("assets/checker")
    if element is None:
        return Checker(kind=CheckerKind.DIFF, case_sensitive=True)
    source = element.find("source")
    main = _file(root, source.get("path") if source is not None else None, path)
    kind = element.get("type", "testlib")
    if kind != "testlib":
        raise PackageError(
            path,
            f"checker type {kind!r} is not supported",
            field="assets.checker",
            fix="use a testlib checker",
        )
    return Checker(
        kind=CheckerKind.TESTLIB,
        sources=[main, *[h for h in headers if h.parent == main.parent or h.name == "testlib.h"]],
    )


def _solutions(root: Path, doc: ET.Element, path: Path) -> list[PolygonSubmission]:
    out = []
    for element in doc.iterfind("assets/solutions/solution"):
        source = element.find("source")
        tag = element.get("tag", "")
        out.append(
            PolygonSubmission(
                path=_file(root, source.get("path") if source is not None else None, path),
                label=TAG_LABELS.get(tag, tag or "unlabelled"),
                tag=tag,
                # Polygon's source type names the compiler and dialect (cpp.g++17, c.gcc, java11, ...).
                language=source.get("type", "") if source is not None else "",
            )
        )
    return out


def _statement(root: Path, doc: ET.Element) -> Path | None:
    found = [
        s
        for s in doc.iterfind("statements/statement")
        if (root / s.get("path", "")).is_file() and s.get("path")
    ]
    if not found:
        return None

    def rank(s: ET.Element) -> tuple[int, int]:
        kind = s.get("type", "")
        return (
            0 if s.get("language") == "english" else 1,
            STATEMENT_TYPES.index(kind) if kind in STATEMENT_TYPES else 9,
        )

    return (root / min(found, key=rank).get("path", "")).resolve()
