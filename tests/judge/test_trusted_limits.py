"""Trusted programs (checkers, interactors, managers, their compiles) under limits of their own: the
host's bounds on their memory and output are set and hit, what the judge reads of their streams and
files is capped and follows no link, and each such case is a verdict for the run (an interactor fed
by a flooding program included), never an exception ending the judge call, with an honest program
judged AC afterwards. Nothing here measures a process's RSS: the limits are asserted by what they do
(MemoryError, EFBIG, SIGXFSZ) and the bytes read by their count."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from ioi_agent.judge.checkers import MESSAGE_CAP, kattis_result
from ioi_agent.judge.runner import Judge
from ioi_agent.judge.trusted import (
    CAPTURE_CAP,
    MEMORY_ENV,
    OUTPUT_ENV,
    TRUSTED,
    TrustedLimits,
    TrustedProcess,
    read_capped,
    run_trusted,
)
from ioi_agent.judge.verdict import Verdict
from ioi_agent.packages import load_problem
from tests.judge.test_judge import LIMITS, package, write

MIB = 1 << 20

# --- the limits themselves ----------------------------------------------------------------------------


def test_host_bounds_lower_every_role_never_raise_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "300")
    monkeypatch.setenv(OUTPUT_ENV, "5")
    assert (TRUSTED.bounded().mem_mb, TRUSTED.bounded().out_mb) == (300, 5)
    assert TrustedLimits(mem_mb=100, out_mb=2).bounded() == TrustedLimits(mem_mb=100, out_mb=2)
    monkeypatch.setenv(MEMORY_ENV, "not a number")
    assert TRUSTED.bounded().mem_mb == TRUSTED.mem_mb


def test_memory_limit_is_set_and_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "256")
    hog = "import sys\ntry:\n    x = bytearray(600 << 20)\nexcept MemoryError:\n    sys.exit(7)\n"
    ran = run_trusted(["python3", "-c", hog])
    assert ran.returncode == 7, ran.stderr
    fits = run_trusted(["python3", "-c", "x = bytearray(50 << 20)"])
    assert fits.returncode == 0, fits.stderr


def test_output_limit_is_set_and_hit_and_capture_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OUTPUT_ENV, "4")
    # C's default for SIGXFSZ kills a program writing past RLIMIT_FSIZE (Python would get EFBIG).
    ran = run_trusted(["sh", "-c", "yes xxxxxxxxxxxxxxx | head -c 67108864"])
    assert ran.returncode != 0
    assert len(ran.stdout) <= CAPTURE_CAP
    flood = (
        "import sys\ntry:\n    sys.stdout.buffer.write(b'x' * (64 << 20)); sys.stdout.flush()\n"
        "except OSError as e:\n    sys.exit(e.errno)\n"
    )
    efbig = run_trusted(["python3", "-c", flood])
    assert efbig.returncode == 27, efbig.stderr  # EFBIG: the file limit, not the disk
    assert len(efbig.stdout) <= CAPTURE_CAP


def test_stderr_flood_is_read_capped() -> None:
    ran = run_trusted(["python3", "-c", "import sys; sys.stderr.write('e' * (8 << 20))"])
    assert ran.returncode == 0 and len(ran.stderr) == CAPTURE_CAP


def test_a_program_that_cannot_start_is_a_failed_result(tmp_path: Path) -> None:
    # A cwd that is not there: the box (or, unboxed, Popen) cannot start it.
    process = TrustedProcess(["true"], cwd=tmp_path / "missing")
    result = process.finish()
    assert result.returncode != 0
    assert result.failure("checker")
    again = run_trusted(["true"], write=[tmp_path / "missing" / "deeper"])
    assert again.returncode != 0


# --- files a trusted program leaves for the judge ---------------------------------------------------------


def test_read_capped_reads_at_most_the_cap_and_follows_no_link(tmp_path: Path) -> None:
    big = tmp_path / "judgemessage.txt"
    with open(big, "wb") as f:
        f.truncate(64 * MIB)
    assert len(read_capped(big, MESSAGE_CAP) or b"") == MESSAGE_CAP
    secret = tmp_path / "secret"
    secret.write_text("host secret")
    (tmp_path / "link").symlink_to(secret)
    assert read_capped(tmp_path / "link", MESSAGE_CAP) is None
    os.mkfifo(tmp_path / "fifo")
    assert read_capped(tmp_path / "fifo", MESSAGE_CAP) is None  # and does not block
    (tmp_path / "folder").mkdir()
    assert read_capped(tmp_path / "folder", MESSAGE_CAP) is None
    assert read_capped(tmp_path / "absent", MESSAGE_CAP) is None


def test_feedback_floods_give_the_right_verdict(tmp_path: Path) -> None:
    (tmp_path / "judgemessage.txt").write_bytes(b"wrong: " + b"y" * (32 * MIB))
    result = kattis_result(43, tmp_path, "")
    assert result.verdict == Verdict.WA and len(result.message) <= 500
    (tmp_path / "score.txt").write_bytes(b" " * (8 * MIB) + b"1")
    assert kattis_result(42, tmp_path, "").verdict == Verdict.JE  # unreadable, not read whole
    (tmp_path / "score.txt").unlink()
    (tmp_path / "score.txt").symlink_to(tmp_path / "judgemessage.txt")
    assert kattis_result(42, tmp_path, "").score == 1.0  # a link is no score file


# --- an interactor fed by a flooding program, end to end ---------------------------------------------------

# Keeps everything the program says before judging it, in a structure 1024 times its size (as a careless
# validator parsing into objects does): a few hundred KiB of flood reach any limit, however slowly the
# flood arrives on a loaded machine.
HOARDER = """\
import sys
said, kept = [], []
while chunk := sys.stdin.buffer.raw.read(1 << 16):
    said.append(chunk)
    kept.append(chunk * 1024)
answer = open(sys.argv[2], "rb").read().split()
sys.exit(42 if b"".join(said).split() == answer else 43)
"""

# Echoes what the program says into its message, 64 times over (so that its file limit comes after a
# few chunks, however slow the flood), then rejects.
ECHOER = """\
import sys
with open(sys.argv[3] + "judgemessage.txt", "wb") as message:
    try:
        while chunk := sys.stdin.buffer.raw.read(1 << 16):
            message.write(chunk * 64)
            message.flush()
    except OSError:
        pass
sys.exit(43)
"""

FLOOD = (
    "#include <cstdio>\n#include <cstring>\nint main() { static char s[65536]; memset(s, 'z', sizeof s);"
    " for (;;) fwrite(s, 1, sizeof s, stdout); }\n"
)
HONEST = '#include <cstdio>\nint main() { printf("42\\n"); }\n'


@pytest.fixture
def interactive(tmp_path: Path, sandbox_name: str) -> Iterator[dict[str, Judge]]:
    made = {}
    for name, validator in (("hoard", HOARDER), ("echo", ECHOER)):
        root = package(
            tmp_path / name,
            "name: Flood\nvalidation: custom interactive\n" + LIMITS,
            tests={"a": ("1\n", "42\n")},
            groups=None,
            extra={f"output_validators/{name}/{name}.py": validator},
        )
        made[name] = Judge(load_problem(root), sandbox=sandbox_name, jobs=1)
    yield made
    for judge in made.values():
        judge.close()


def test_an_interactor_hoarding_a_flood_hits_its_memory_limit(
    interactive: dict[str, Judge], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "256")
    sources = write(tmp_path / "src", {"flood.cpp": FLOOD, "honest.cpp": HONEST})
    flood, honest = interactive["hoard"].judge_sources([sources / "flood.cpp", sources / "honest.cpp"])
    assert flood.verdict == Verdict.JE
    test = flood.subtasks[0].tests[0]
    assert "MemoryError" in test.message, test.message  # its limit, not the host's memory, stopped it
    assert (honest.verdict, honest.score) == (Verdict.AC, 100)


def test_an_interactor_echoing_a_flood_hits_its_output_limit(
    interactive: dict[str, Judge], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(OUTPUT_ENV, "4")
    sources = write(tmp_path / "src", {"flood.cpp": FLOOD})
    (flood,) = interactive["echo"].judge_sources([sources / "flood.cpp"])
    test = flood.subtasks[0].tests[0]
    # The validator rejected (it stopped at its 4 MiB file limit); the judge read the message's start.
    assert flood.verdict == Verdict.WA and test.verdict == Verdict.WA
    assert 0 < len(test.message) <= 500 and set(test.message) <= {"z"}


def test_sigxfsz_is_reported_as_such() -> None:
    # What a C validator gets at its file limit (Python ignores the signal and gets EFBIG instead).
    ran = run_trusted(["sh", "-c", "kill -XFSZ $$"])
    assert ran.signal == signal.SIGXFSZ or ran.returncode == 128 + signal.SIGXFSZ
