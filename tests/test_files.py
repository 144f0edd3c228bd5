"""Shared file helpers: atomic writes with unique temporary names, and the state-folder lock."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.files import atomic_write, folder_lock, unique_sibling


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.json"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]


def test_concurrent_writers_never_share_a_temporary_name(tmp_path: Path) -> None:
    target = tmp_path / "shared.txt"
    names = {unique_sibling(target) for _ in range(1000)}
    assert len(names) == 1000
    texts = [str(i) * 10000 for i in range(8)]
    threads = [threading.Thread(target=atomic_write, args=(target, t)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() in texts  # one whole write, never a mix


def test_a_state_folder_is_locked_against_a_second_run(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with folder_lock(state, "contest state folder"):
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from ioi_agent.files import folder_lock\n"
                "with folder_lock(Path(sys.argv[1]), 'contest state folder'): pass",
                str(state),
            ],
            capture_output=True,
            text=True,
        )
        assert other.returncode != 0 and "another run is using this contest state folder" in other.stderr
        with pytest.raises(IoiAgentError, match="another run"):
            with folder_lock(state, "contest state folder"):
                pass
    with folder_lock(state, "contest state folder"):  # free again once the first run ended
        pass
