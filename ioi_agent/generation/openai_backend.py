"""Sampling from an OpenAI-compatible server (`vllm serve`, SGLang, ...) over its chat completions API.

Asynchronous with a bound on requests in flight; 429, 5xx, timeouts and dropped connections are retried
with exponential backoff (honouring Retry-After); a request asks for `n` samples with the seed of its first
sample (vLLM gives child `j` seed `seed + j`, the same rule as the offline engine); a server that refuses
`n` > 1 is asked one sample at a time from then on. Needs `httpx`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from typing import Any

from ioi_agent.errors import IoiAgentError
from ioi_agent.generation.base import Emit, Sample, WorkItem

RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class ServerError(IoiAgentError):
    """The server answered in a way retrying will not fix, or kept failing."""


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise IoiAgentError("httpx is needed for --endpoint (fix: pip install httpx)") from None
    return httpx


def normalize_endpoint(url: str) -> str:
    """The API base: `http://host:8000` and `http://host:8000/v1/` both give `http://host:8000/v1`."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise IoiAgentError(f"{url}: not an http(s) URL (fix: e.g. --endpoint http://127.0.0.1:8000/v1)")
    if url.endswith("/chat/completions"):
        url = url[: -len("/chat/completions")]
    if "/v1" not in url.split("://", 1)[1]:
        url += "/v1"
    return url


def _error_text(response: Any) -> str:
    try:
        body = response.json()
        message = body.get("error", body) if isinstance(body, dict) else body
        if isinstance(message, dict):
            message = message.get("message", message)
        text = str(message)
    except ValueError:
        text = response.text
    return " ".join(text.split())[:300]


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        endpoint: str,
        model: str,
        *,
        api_key: str | None = None,
        concurrency: int = 32,
        n_per_request: int = 8,
        timeout_s: float = 1800.0,
        connect_timeout_s: float = 10.0,
        max_retries: int = 8,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        logprobs: bool = True,
    ):
        self.base = normalize_endpoint(endpoint)
        self.model = model
        self.api_key = api_key
        self.concurrency = max(1, concurrency)
        self.n_per_request = max(1, n_per_request)
        self.timeout_s = timeout_s
        self.connect_timeout_s = connect_timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.logprobs = logprobs
        self.requests_sent = 0
        self.retries = 0

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def _unreachable(self, exc: Exception) -> IoiAgentError:
        reason = str(exc).strip() or type(exc).__name__
        return IoiAgentError(
            f"cannot reach the OpenAI-compatible server at {self.base}: {reason} "
            "(fix: start it, e.g. `vllm serve MODEL --port 8000`, or correct --endpoint)"
        )

    def start(self) -> None:
        """Check that the server answers and serves the model; one clear error otherwise."""
        httpx = _httpx()
        try:
            response = httpx.get(
                f"{self.base}/models",
                headers=self._headers(),
                timeout=self.connect_timeout_s,
                trust_env=False,
            )
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from None
        if response.status_code in (401, 403):
            raise IoiAgentError(
                f"{self.base}: the server refused the API key (HTTP {response.status_code}) "
                "(fix: set OPENAI_API_KEY or --api-key)"
            )
        if response.status_code != 200:
            return  # some servers have no /models; the first request will tell
        try:
            served = [m.get("id") for m in response.json().get("data", [])]
        except (ValueError, AttributeError):
            return
        if served and self.model not in served:
            raise IoiAgentError(
                f"{self.base}: the server does not serve model {self.model!r}; it serves "
                f"{', '.join(map(str, served))} (fix: pass one of them as --model)"
            )

    def generate(self, items: Sequence[WorkItem], emit: Emit) -> None:
        asyncio.run(self._run(items, emit))

    def close(self) -> None:
        pass

    async def _run(self, items: Sequence[WorkItem], emit: Emit) -> None:
        httpx = _httpx()
        limits = httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
        timeout = httpx.Timeout(self.timeout_s, connect=self.connect_timeout_s)
        self._single = self.n_per_request == 1
        gate = asyncio.Semaphore(self.concurrency)
        async with httpx.AsyncClient(
            headers=self._headers(), limits=limits, timeout=timeout, trust_env=False
        ) as client:
            tasks = []
            for item in items:
                for offset in range(0, item.count, self.n_per_request):
                    start = item.start + offset
                    count = min(self.n_per_request, item.count - offset)
                    tasks.append(asyncio.create_task(self._samples(client, gate, item, start, count, emit)))
            try:
                await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _samples(
        self, client: Any, gate: asyncio.Semaphore, item: WorkItem, start: int, count: int, emit: Emit
    ) -> None:
        """`count` samples from `start` on; falls back to one per request when the server wants that."""
        if not self._single and count > 1:
            async with gate:
                got = await self._request(client, item, start, count)
            if got is not None:
                for sample in got:
                    emit(sample)
                missing = set(range(start, start + count)) - {s.index for s in got}
                for index in sorted(missing):  # a server that answered with fewer choices than asked
                    await self._samples(client, gate, item, index, 1, emit)
                return
        for index in range(start, start + count):
            async with gate:
                got = await self._request(client, item, index, 1)
            if not got:
                raise ServerError(f"{self.base}: the server refused or left empty a request of one sample")
            for sample in got:
                emit(sample)

    async def _request(self, client: Any, item: WorkItem, start: int, count: int) -> list[Sample] | None:
        """One chat completion of `count` choices; None when the server refuses `n` > 1."""
        httpx = _httpx()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": item.prompt.messages,
            "n": count,
            "temperature": item.sampling.temperature,
            "top_p": item.sampling.top_p,
            "max_tokens": item.sampling.max_tokens,
            "seed": item.seed_of(start),
        }
        if self.logprobs:
            body["logprobs"] = True
            body["top_logprobs"] = 0
        url = f"{self.base}/chat/completions"
        for attempt in range(self.max_retries + 1):
            self.requests_sent += 1
            delay: float | None = None
            try:
                response = await client.post(url, json=body)
            except httpx.TimeoutException:
                if attempt == self.max_retries:
                    raise ServerError(
                        f"{url}: no answer within {self.timeout_s:g} s, {self.max_retries} times "
                        "(fix: raise --request-timeout or lower --concurrency)"
                    ) from None
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise self._unreachable(exc) from None
            else:
                if response.status_code == 200:
                    try:
                        answer = response.json()
                    except ValueError:
                        raise ServerError(f"{url}: the answer is not JSON: {response.text[:200]!r}") from None
                    return self._parse(answer, item, start, count)
                text = _error_text(response)
                if response.status_code in (400, 422) and count > 1 and self._mentions_n(text):
                    self._single = True
                    return None
                if response.status_code not in RETRY_STATUS:
                    raise ServerError(f"{url}: HTTP {response.status_code}: {text}")
                if attempt == self.max_retries:
                    raise ServerError(
                        f"{url}: HTTP {response.status_code} after {self.max_retries} retries: {text} "
                        "(fix: lower --concurrency or try again later)"
                    )
                delay = self._retry_after(response)
            self.retries += 1
            backoff = min(self.max_backoff_s, self.backoff_s * 2**attempt) * random.uniform(0.5, 1.0)
            await asyncio.sleep(delay if delay is not None else backoff)
        raise AssertionError("unreachable")

    @staticmethod
    def _mentions_n(text: str) -> bool:
        lowered = text.lower()
        return "'n'" in lowered or '"n"' in lowered or "n must" in lowered or "parameter n" in lowered

    def _retry_after(self, response: Any) -> float | None:
        value = response.headers.get("retry-after")
        try:
            return min(self.max_backoff_s, max(0.0, float(value))) if value is not None else None
        except ValueError:
            return None

    def _parse(self, body: dict[str, Any], item: WorkItem, start: int, count: int) -> list[Sample]:
        choices = body.get("choices") or []
        usage = body.get("usage") or {}
        samples = []
        for position, choice in enumerate(choices):
            offset = choice.get("index", position)
            if not isinstance(offset, int) or offset < 0:
                offset = position
            message = choice.get("message") or {}
            text = message.get("content") or ""
            reasoning = message.get("reasoning_content") or message.get("reasoning")
            if reasoning:
                text = f"<think>{reasoning}</think>{text}"
            logprobs = (choice.get("logprobs") or {}).get("content")
            tokens: int | None = None
            cumulative: float | None = None
            if logprobs:
                tokens = len(logprobs)
                cumulative = float(sum(t.get("logprob", 0.0) for t in logprobs))
            elif len(choices) == 1:
                tokens = usage.get("completion_tokens")
            index = start + offset
            samples.append(
                Sample(
                    job=item.job,
                    index=index,
                    text=text,
                    seed=item.seed_of(index),
                    finish_reason=choice.get("finish_reason"),
                    prompt_tokens=usage.get("prompt_tokens"),
                    completion_tokens=tokens,
                    cumulative_logprob=cumulative,
                )
            )
        # Keep only the choices that were asked for, once each (a server may number them oddly).
        unique = {s.index: s for s in reversed(samples) if start <= s.index < start + count}
        return [unique[i] for i in sorted(unique)]
