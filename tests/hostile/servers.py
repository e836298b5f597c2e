"""A local HTTP server whose bodies never end: `/endless` sends 64 KiB chunks as fast
as the client reads, `/trickle` one byte every 200 ms. Both use chunked encoding, so
the response looks valid to any client until it gives up."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
_BIG = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
_ONE = b"1\r\nx\r\n"


class EndlessServer:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            trickle = b" /trickle" in request.split(b"\r\n", 1)[0]
            conn.sendall(_HEAD)
            while not self.stopping.is_set():
                if trickle:
                    conn.sendall(_ONE)
                    time.sleep(0.2)
                else:
                    conn.sendall(_BIG)

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()


@contextlib.contextmanager
def endless_server() -> Iterator[EndlessServer]:
    server = EndlessServer()
    try:
        yield server
    finally:
        server.close()
