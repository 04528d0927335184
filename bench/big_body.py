"""How much memory a huge request body costs the personal app's server (issue 10's goal: a
400 MB POST keeps the server under 100 MB above idle).

Starts `glutewake serve` in its own process, reads its resident memory (VmRSS, and the peak
VmHWM from /proc), then sends 400 MB to /api/checkins twice: once with Content-Length given,
once chunked with no length, and reports the peak above idle, how long each took to be
refused, and whether a small request meanwhile was answered promptly.

    python3 bench/big_body.py [--megabytes N]
"""

from __future__ import annotations

import argparse
import http.client
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.servers import owner_headers, running


def memory_kb(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def server_pid(port: int) -> int:
    """The process listening on `port` (the glutewake server)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":
            inode = parts[9]
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                for fd in (proc / "fd").iterdir():
                    if fd.readlink().name == f"socket:[{inode}]":
                        return int(proc.name)
            except OSError:
                continue
    raise SystemExit("could not find the server process")


def send(url: str, headers: dict[str, str], megabytes: int, chunked: bool) -> tuple[float, str]:
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as raw:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {megabytes << 20}"
        head = (f"POST /api/checkins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {headers['Authorization']}\r\n"
                f"Content-Type: application/json\r\n{length}\r\n\r\n")  # fmt: skip
        raw.sendall(head.encode())
        block = b"[" * (1 << 20)
        try:
            for _ in range(megabytes):
                raw.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused: the server stopped reading
        raw.settimeout(10)
        try:
            status = raw.recv(64).split(b"\r\n")[0].decode()
        except OSError as error:
            status = f"(no reply: {error})"
    return time.monotonic() - started, status


def probe(url: str, stop: threading.Event, stalls: list[float]) -> None:
    """Small requests while the big one is sent, timing each."""
    parts = urlsplit(url)
    while not stop.is_set():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        began = time.monotonic()
        connection.request("GET", "/api/health")
        connection.getresponse().read()
        stalls.append(time.monotonic() - began)
        connection.close()
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=int, default=400)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as home,
        running("serve", "--no-browser", "--port", "0", home=Path(home)) as (url, _),
    ):
        headers = owner_headers(Path(home))
        pid = server_pid(urlsplit(url).port or 0)
        idle, _ = memory_kb(pid)
        for chunked in (False, True):
            stalls: list[float] = []
            stop = threading.Event()

            prober = threading.Thread(target=probe, args=(url, stop, stalls))
            prober.start()
            seconds, status = send(url, headers, args.megabytes, chunked)
            stop.set()
            prober.join()
            _, peak = memory_kb(pid)
            how = "chunked, no length" if chunked else "Content-Length given"
            print(f"{args.megabytes} MB ({how}): {status} after {seconds:.2f} s; "
                  f"peak {(peak - idle) / 1024:.1f} MB above idle ({idle / 1024:.0f} MB); "
                  f"slowest other request {max(stalls, default=0) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
