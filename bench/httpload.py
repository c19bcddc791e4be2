"""A small, lean HTTP/1.1 load generator: keep-alive connections on asyncio streams.

It shares two cores with the server it measures, so it does as little as it can per
request (no HTTP library, no JSON parsing of responses unless asked). Latency is measured
from writing the request to reading the last byte of the response.
"""
import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass
class Result:
    latencies: list[float]
    statuses: Counter
    seconds: float

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        if not data:
            return float("nan")
        index = min(len(data) - 1, max(0, round(p / 100 * len(data)) - 1))
        return data[index]

    def summary(self) -> dict:
        ok = sum(n for s, n in self.statuses.items() if 200 <= s < 300)
        return {
            "requests": self.count, "ok": ok, "statuses": dict(self.statuses), "seconds": round(self.seconds, 2),
            "throughput_per_s": round(self.count / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(self.percentile(50) * 1000, 1), "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 1) if self.latencies else None,
        }


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        if b":" in line:
            key, value = line.split(b":", 1)
            headers[key.strip().lower()] = value.strip()
    if b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = b""
    return status, body, headers.get(b"connection", b"").lower() != b"close"


async def run(host: str, port: int, make: Callable[[int], Request], *, concurrency: int, duration: float,
              max_requests: int | None = None, on_body: Callable[[int, bytes], None] | None = None) -> Result:
    """Keep `concurrency` requests in flight for `duration` seconds (or `max_requests`)."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    counter = iter(range(10**12))
    deadline = time.perf_counter() + duration
    hostname = f"{host}:{port}"

    async def worker():
        reader = writer = None
        try:
            while time.perf_counter() < deadline:
                n = next(counter)
                if max_requests is not None and n >= max_requests:
                    return
                payload = make(n).encode(hostname)
                started = time.perf_counter()
                if writer is None:  # servers that close after each response: connecting is part of the cost
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(payload)
                status, body, keep_alive = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
                if on_body is not None:
                    on_body(status, body)
                if not keep_alive:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(latencies, statuses, time.perf_counter() - started)
