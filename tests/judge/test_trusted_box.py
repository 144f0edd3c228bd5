"""Trusted programs (checkers, validators, interactors, managers, graders) run boxed: their own uid, never
root, and of the host's files only those they are given.

Each test pins what the old judge did differently: trusted programs ran on the host as root with the
judge's environment, so a checker (or a contestant's link planted where a checker writes) could read or
write any host file. The trusted box is bubblewrap whatever the contestant sandbox is; a host without it
must fail here, not skip (the judge would then run them unconfined)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ioi_agent.judge.trusted import run_trusted
from ioi_agent.sandbox.trusted_box import TRUSTED_UID, own_for_trusted, trusted_box_line, trusted_mode


@pytest.fixture
def host_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every uid can reach (as the package folders and the judge's scratch are)."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"ioi-trusted-test-{os.getpid()}-{os.urandom(4).hex()}"
    folder.mkdir(mode=0o755)
    yield folder
    for path in sorted(folder.rglob("*"), reverse=True):
        path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
    folder.rmdir()


def sh(script: str, **kwargs) -> tuple[int | None, str, str]:
    run = run_trusted(["sh", "-c", script], **kwargs)
    return run.returncode, run.stdout, run.stderr


def test_trusted_programs_are_boxed_here() -> None:
    assert trusted_mode() == "bwrap", trusted_box_line()
    assert "own bubblewrap box" in trusted_box_line()


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid drop is what a root judge does")
def test_runs_as_its_own_uid_not_root() -> None:
    code, out, _ = sh("id -u; id -g")
    assert code == 0 and out.split() == [str(TRUSTED_UID), str(TRUSTED_UID)]


def test_sees_only_the_files_it_is_given(host_dir: Path) -> None:
    given = host_dir / "given.txt"
    given.write_text("visible\n")
    secret = host_dir / "secret.txt"
    secret.write_text("hidden\n")
    code, out, _ = sh(f"cat {given}; cat {secret} 2>/dev/null || echo no-secret; ls {host_dir}", read=[given])
    assert code == 0
    assert out.split() == ["visible", "no-secret", "given.txt"]
    # Its command line names the file: visible too.
    run = run_trusted(["cat", str(secret)])
    assert run.returncode == 0 and run.stdout == "hidden\n"


def test_a_private_file_is_copied_in(tmp_path: Path) -> None:
    """A file under a folder the box's uid cannot enter (pytest's 0700 tmp) is still readable."""
    private = tmp_path / "answer.txt"
    private.write_text("42\n")
    os.chmod(private, 0o600)
    run = run_trusted(["cat", str(private)])
    assert run.returncode == 0 and run.stdout == "42\n"
    code, _, _ = sh(f"echo changed > {private}", read=[private])
    assert code != 0 and private.read_text() == "42\n"


def test_writes_reach_only_its_writable_folder(host_dir: Path) -> None:
    writable = host_dir / "feedback"
    writable.mkdir()
    own_for_trusted(writable)
    readonly = host_dir / "input.txt"
    readonly.write_text("in\n")
    elsewhere = host_dir / "planted.txt"
    script = (
        f"echo ok > {writable}/judgemessage.txt; echo x > {readonly} 2>/dev/null; "
        f"echo x > {elsewhere} 2>/dev/null; echo x > /root/x 2>/dev/null; exit 0"
    )
    code, _, _ = sh(script, read=[readonly], write=[writable])
    assert code == 0
    assert (writable / "judgemessage.txt").read_text() == "ok\n"
    assert readonly.read_text() == "in\n"
    assert not elsewhere.exists()
    assert not Path("/root/x").exists()


def test_a_link_planted_in_its_folder_reaches_nothing_of_the_host(host_dir: Path) -> None:
    """The interactor attack: a link in the feedback folder to a host file; the validator writes through it."""
    victim = host_dir / "victim.txt"
    victim.write_text("intact\n")
    feedback = host_dir / "feedback"
    feedback.mkdir()
    own_for_trusted(feedback)
    (feedback / "judgemessage.txt").symlink_to(victim)
    secret = host_dir / "secret.txt"
    secret.write_text("host-secret\n")
    (feedback / "score.txt").symlink_to(secret)
    code, out, _ = sh(
        f"echo pwned > {feedback}/judgemessage.txt 2>/dev/null; cat {feedback}/score.txt 2>/dev/null | head -c 20;"
        " exit 0",
        write=[feedback],
    )
    assert code == 0
    assert victim.read_text() == "intact\n"
    assert "host-secret" not in out


def test_gets_no_judge_environment_no_network_no_host_processes(monkeypatch) -> None:
    monkeypatch.setenv("IOI_AGENT_TEST_SECRET", "s3cret")
    code, out, _ = sh(
        'echo "env=${IOI_AGENT_TEST_SECRET:-none}"; ls /proc | grep -c "^[0-9]"; '
        "cat /sys/class/net/*/address 2>/dev/null | wc -l; ls /sys/class/net 2>/dev/null | tr '\\n' ' '"
    )
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "env=none"
    assert int(lines[1]) <= 4  # bubblewrap's init, the shell, ls, grep: no host process
    assert "eth" not in out


def test_limits_and_signals_still_reported() -> None:
    run = run_trusted(["sh", "-c", "kill -SEGV $$"])
    assert run.signal == 11 and "signal 11" in run.failure("checker")
    run = run_trusted(["sh", "-c", "exit 43"])
    assert run.returncode == 43 and run.signal is None
