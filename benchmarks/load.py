"""gonogo's `load` probe next to `wrk` against the same local endpoint, in the same run.

    .venv/bin/python benchmarks/load.py [--seconds 5] [--concurrency 10]

The endpoint is a minimal asyncio HTTP/1.1 keep-alive server in its own process, so it is
not what limits either client. Also run against an endpoint that sleeps 10 ms per request
(capacity ≈ concurrency × 100/s) to show that below that rate the server, not gonogo, sets
the figures. Target: gonogo sustains well over 1,000 requests/s, so its own overhead is
not the bottleneck below that rate.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import resource
import shutil
import socket
import subprocess
import time
from pathlib import Path

from gonogo.fs.index import FileIndex
from gonogo.probes import load
from gonogo.probes.base import Context

RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"


def _serve(port: int, delay_s: float) -> None:
    class Proto(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.t = transport
            self.buf = b""

        def data_received(self, data: bytes) -> None:
            self.buf += data
            while b"\r\n\r\n" in self.buf:
                _, self.buf = self.buf.split(b"\r\n\r\n", 1)
                if delay_s:
                    asyncio.get_running_loop().call_later(delay_s, self.t.write, RESPONSE)
                else:
                    self.t.write(RESPONSE)  # type: ignore[attr-defined]

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(
            Proto, "127.0.0.1", port, backlog=1024
        )
        await server.serve_forever()

    asyncio.run(main())


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)


def gonogo_load(url: str, seconds: float, concurrency: int) -> tuple[float, float, float]:
    """requests/s, p50 ms, and CPU µs gonogo spent per request."""
    root = Path(".").resolve()
    ctx = Context(root, FileIndex(root), {}, seconds + 10, "bench")
    p = load.LoadParams(url=url, concurrency=concurrency, duration=seconds)
    cpu0 = time.process_time()
    out = asyncio.run(load.PROBE.run(p, ctx))
    cpu_us = (time.process_time() - cpu0) / out.evidence["requests"] * 1e6
    return float(out.evidence["rps"]), float(out.evidence["p50_ms"]), cpu_us


def wrk_load(url: str, seconds: float, concurrency: int) -> tuple[float, float, float] | None:
    if shutil.which("wrk") is None:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", proc.stdout).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", proc.stdout).groups()  # type: ignore[union-attr]
    p50 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p50, cpu / max(1.0, rps * seconds) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--concurrency", type=int, default=10)
    args = ap.parse_args()
    print(f"load: {args.concurrency} connections, {args.seconds:g} s per client")
    print(
        f"{'endpoint':<20}{'client':<8}{'requests/s':>11}{'p50 ms':>8}"
        f"{'CPU µs/req':>12}{'1-core ceiling/s':>18}"
    )
    for label, delay in (("fast (no delay)", 0.0), ("10 ms/request", 0.010)):
        port = _port()
        server = multiprocessing.Process(target=_serve, args=(port, delay), daemon=True)
        server.start()
        _wait(port)
        url = f"http://127.0.0.1:{port}/"
        try:
            g = gonogo_load(url, args.seconds, args.concurrency)
            w = wrk_load(url, args.seconds, args.concurrency)
        finally:
            server.terminate()
            server.join()
        _row(label, "gonogo", g)
        if w is None:
            print(f"{label:<20}{'wrk':<8}  (not installed: apt-get install wrk)")
        else:
            _row(label, "wrk", w)
            print(f"{'':<20}gonogo/wrk: throughput {g[0] / w[0]:.2f}, p50 {g[1] / w[1]:.2f}")
    print(
        "target: gonogo's 1-core ceiling (1e6 / CPU µs per request) above 1,000/s, and on "
        f"the 10 ms endpoint (capacity ~{args.concurrency * 100}/s) a rate close to wrk's. "
        f"Machine load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )


def _row(label: str, client: str, fig: tuple[float, float, float]) -> None:
    rps, p50, cpu_us = fig
    print(f"{label:<20}{client:<8}{rps:>11.0f}{p50:>8.2f}{cpu_us:>12.0f}{1e6 / cpu_us:>18.0f}")


if __name__ == "__main__":
    main()
