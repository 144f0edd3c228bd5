"""The OpenAI-compatible client against a scripted server on loopback: samples, seeds, n per request,
retries with backoff, fallback to one sample per request, bounded concurrency, resumption, and the errors
a user sees. (The same client against a real `vllm serve` is in test_vllm_engine.py.)"""

from __future__ import annotations

import socket
from collections import Counter, deque
from pathlib import Path

import pytest

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.openai_backend import OpenAIBackend, ServerError, normalize_endpoint
from ioi_agent.generation.pool import CodeStatus, SamplingSettings, read_pool
from ioi_agent.generation.runner import GenerateOptions, job_seed, run_generation
from ioi_agent.packages import load_problem
from tests.generation.sample_packages import make_package
from tests.generation.stub_server import MODEL, StubServer, text_for

pytest.importorskip("httpx", reason="httpx is the OpenAI backend's HTTP client")


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with StubServer() as s:
        yield s


@pytest.fixture
def problem(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_problem(make_package(tmp_path))


def backend(url: str, **kw: object) -> OpenAIBackend:
    kw.setdefault("backoff_s", 0.01)
    return OpenAIBackend(url, MODEL, **kw)  # type: ignore[arg-type]


def options(samples: int, **kw: object) -> GenerateOptions:
    return GenerateOptions(
        samples=samples,
        per_subtask=True,
        sampling=SamplingSettings(temperature=0.8, max_tokens=50, seed=7),
        **kw,
    )  # type: ignore[arg-type]


def test_samples_arrive_with_their_seeds_n_per_request(server: StubServer, problem, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    b = backend(server.url, n_per_request=4)
    summary = run_generation([problem], b, options(6), pool, progress=False)
    records = read_pool(pool)
    assert summary.written == len(records) == 12  # 2 subtasks x 6
    assert sorted(Counter(r.subtask for r in records).items()) == [("group1", 6), ("group2", 6)]
    for r in records:
        assert r.seed == job_seed(r.job) + r.sample_index
        assert r.completion == text_for(r.seed)
        assert r.status == CodeStatus.OK and r.code == f"// seed {r.seed}\nint main() {{ return 0; }}\n"
        assert r.backend == "openai" and r.model == MODEL
        assert (r.completion_tokens, r.cumulative_logprob, r.mean_logprob) == (4, -2.0, -0.5)
        assert r.finish_reason == "stop" and r.prompt_tokens == 100
    # Requests of n = 4 then 2 per job, each with the seed of its first sample.
    assert sorted(body["n"] for body in server.script.bodies) == [2, 2, 4, 4]
    first = {body["seed"] for body in server.script.bodies}
    assert first == {job_seed(r.job) + i for r in records for i in (0, 4)}
    body = server.script.bodies[0]
    assert body["model"] == MODEL and body["temperature"] == 0.8 and body["max_tokens"] == 50
    assert body["logprobs"] is True and body["messages"][-1]["role"] == "user"


def test_rerun_asks_only_for_missing_samples(server: StubServer, problem, tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    run_generation([problem], backend(server.url), options(2), pool, progress=False)
    server.script.bodies.clear()
    summary = run_generation([problem], backend(server.url), options(5), pool, progress=False)
    assert (summary.already_done, summary.written) == (4, 6)
    assert sorted(b["n"] for b in server.script.bodies) == [3, 3]
    records = read_pool(pool)
    assert Counter((r.job, r.sample_index) for r in records).most_common(1)[0][1] == 1
    assert sorted(r.sample_index for r in records if r.subtask == "group1") == [0, 1, 2, 3, 4]
    # Same command again: nothing to do, no request.
    server.script.bodies.clear()
    again = run_generation([problem], backend(server.url), options(5), pool, progress=False)
    assert (again.written, again.already_done, server.script.bodies) == (0, 10, [])


def test_retries_429_5xx_and_timeouts_then_succeeds(server: StubServer, problem, tmp_path: Path) -> None:
    server.script.failures = deque([(429, 0.0), (503, 0.0), (200, 2.0), (502, 0.0)])
    b = backend(server.url, timeout_s=0.5, n_per_request=8, concurrency=1)
    run_generation([problem], b, options(3), tmp_path / "pool.jsonl", progress=False)
    assert len(read_pool(tmp_path / "pool.jsonl")) == 6
    assert b.retries == 4  # 429, 503, the slow answer (a timeout), 502


def test_gives_up_after_max_retries_with_a_clear_error(server: StubServer, problem, tmp_path: Path) -> None:
    server.script.failures = deque([(500, 0.0)] * 10)
    with pytest.raises(ServerError, match=r"HTTP 500 after 2 retries"):
        run_generation(
            [problem],
            backend(server.url, max_retries=2, concurrency=1),
            options(1),
            tmp_path / "p.jsonl",
            progress=False,
        )


def test_request_errors_that_retrying_cannot_fix_stop_at_once(
    server: StubServer, problem, tmp_path: Path
) -> None:
    server.script.fixed_status = 400
    b = backend(server.url)
    with pytest.raises(ServerError, match="HTTP 400: This model's maximum context length"):
        run_generation([problem], b, options(1), tmp_path / "p.jsonl", progress=False)
    assert b.retries == 0


def test_server_refusing_n_gets_one_sample_per_request(server: StubServer, problem, tmp_path: Path) -> None:
    server.script.max_n = 1
    pool = tmp_path / "pool.jsonl"
    run_generation([problem], backend(server.url, n_per_request=4), options(3), pool, progress=False)
    records = read_pool(pool)
    assert len(records) == 6
    assert all(r.completion == text_for(job_seed(r.job) + r.sample_index) for r in records)
    assert [b["n"] for b in server.script.bodies].count(1) == 6


def test_concurrency_is_bounded(server: StubServer, problem, tmp_path: Path) -> None:
    server.script.delay_s = 0.05
    run_generation(
        [problem],
        backend(server.url, n_per_request=1, concurrency=3),
        options(8),
        tmp_path / "p.jsonl",
        progress=False,
    )
    assert 2 <= server.script.max_in_flight <= 3


def test_reasoning_field_is_kept_and_not_taken_for_code(server: StubServer, problem, tmp_path: Path) -> None:
    server.script.reasoning = True
    run_generation([problem], backend(server.url), options(1), tmp_path / "p.jsonl", progress=False)
    record = read_pool(tmp_path / "p.jsonl")[0]
    assert record.completion.startswith("<think>```cpp\nint main() { wrong(); }")  # type: ignore[union-attr]
    assert "wrong()" not in record.code and "// seed" in record.code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_is_one_clear_error(problem, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(
        IoiAgentError, match=rf"cannot reach the OpenAI-compatible server at {url}.*fix: start it"
    ):
        run_generation([problem], backend(url), options(1), tmp_path / "p.jsonl", progress=False)


def test_model_not_served_and_bad_key(server: StubServer, problem, tmp_path: Path) -> None:
    with pytest.raises(IoiAgentError, match=rf"does not serve model 'other'; it serves {MODEL}"):
        OpenAIBackend(server.url, "other").start()
    server.script.require_key = "sesame"
    with pytest.raises(IoiAgentError, match="refused the API key"):
        backend(server.url).start()
    backend(server.url, api_key="sesame").start()


def test_endpoint_forms() -> None:
    assert normalize_endpoint("http://h:8000") == "http://h:8000/v1"
    assert normalize_endpoint("http://h:8000/v1/") == "http://h:8000/v1"
    assert normalize_endpoint("https://h/v1/chat/completions") == "https://h/v1"
    with pytest.raises(IoiAgentError, match="not an http"):
        normalize_endpoint("h:8000")


def test_server_that_keeps_timing_out_is_named_with_the_fix(
    server: StubServer, problem, tmp_path: Path
) -> None:
    server.script.failures = deque([(200, 1.0)] * 3)
    b = backend(server.url, timeout_s=0.2, max_retries=2, concurrency=1)
    with pytest.raises(ServerError, match=r"no answer within 0.2 s, 2 times \(fix: raise --request-timeout"):
        run_generation([problem], b, options(1), tmp_path / "p.jsonl", progress=False)
