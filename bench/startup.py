"""Whole-process start-up: llmspell against node and ipykernel, interleaved in one run.

Prints one JSON object on the last line. Run by bench/startup.ts, which puts an llmspell kernelspec
into a temp JUPYTER_PATH; ipykernel is Debian's python3 kernelspec.

Usage: startup.py LLMSPELL_BIN REPS SCRIPT
  - node -e 0, `llmspell exec 'return 1'`, `llmspell run SCRIPT`: spawn to exit, peak RSS from
    /usr/bin/time's %M, and the process's CPU time (user + system, all threads): on a loaded
    machine wall time mostly measures waiting for a core, CPU time what the process itself costs.
  - `llmspell kernel start --lsp`: spawn to the `initialize` response on stdout, peak RSS from
    /proc/PID/status VmHWM at that moment.
  - kernels: KernelManager.start_kernel() to wait_for_ready() (jupyter_client), llmspell and
    ipykernel alternately; peak RSS (VmHWM) of the kernel process once ready.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client import KernelManager

BIN = sys.argv[1]
REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
SCRIPT = sys.argv[3]
TIME = "/usr/bin/time"  # Debian package `time`


def children_cpu_ms():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def run_process(argv):
    """(wall ms, peak RSS MB, CPU ms) of one process from spawn to exit.

    Linux keeps the parent's high-water RSS in a child's ru_maxrss across exec, so the process is
    started through /usr/bin/time (small) and its %M is the command's own peak. Without it (Debian
    package `time`) the wall time is measured alone and the peak is reported as NaN.
    """
    cpu0 = children_cpu_ms()
    if not os.path.exists(TIME):
        t0 = time.perf_counter()
        p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - t0) * 1000
        if p.returncode != 0:
            raise RuntimeError(f"{argv} exited {p.returncode}: {p.stderr.decode()}")
        return ms, float("nan"), children_cpu_ms() - cpu0
    fd, out = tempfile.mkstemp(suffix=".rss")
    os.close(fd)
    try:
        t0 = time.perf_counter()
        p = subprocess.run(
            [TIME, "-f", "%M", "-o", out, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        ms = (time.perf_counter() - t0) * 1000
        if p.returncode != 0:
            raise RuntimeError(f"{argv} exited {p.returncode}: {p.stderr.decode()}")
        with open(out) as f:
            rss = int(f.read().split()[-1]) / 1024.0
    finally:
        os.unlink(out)
    return ms, rss, children_cpu_ms() - cpu0


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def read_message(stream):
    """One LSP message (Content-Length framing) from a binary stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("language server closed stdout before answering initialize")
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    return json.loads(stream.read(length))


def lsp_initialize():
    """(ms from spawn to the initialize response, peak RSS MB) of `llmspell kernel start --lsp`."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": os.getpid(), "rootUri": None, "capabilities": {}},
        }
    ).encode()
    t0 = time.perf_counter()
    p = subprocess.Popen(
        [BIN, "kernel", "start", "--lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        p.stdin.flush()
        while True:
            msg = read_message(p.stdout)
            if msg.get("id") == 1:
                break
        ms = (time.perf_counter() - t0) * 1000
        if "result" not in msg:
            raise RuntimeError(f"initialize failed: {msg}")
        rss = peak_rss_mb(p.pid)
    finally:
        p.kill()
        p.wait()
        p.stdin.close()
        p.stdout.close()
    return ms, rss, float("nan")


def kernel_ready(name):
    """(ms from start_kernel() to wait_for_ready(), peak RSS MB of the kernel process)."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        ms = (time.perf_counter() - t0) * 1000
        pid = km.provisioner.process.pid if km.provisioner else None
        rss = peak_rss_mb(pid) if pid else float("nan")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return ms, rss, float("nan")


def main():
    cases = {
        "node": lambda: run_process(["node", "-e", "0"]),
        "exec": lambda: run_process([BIN, "exec", "return 1"]),
        "run": lambda: run_process([BIN, "run", SCRIPT]),
        "lsp": lsp_initialize,
        "kernel": lambda: kernel_ready("llmspell"),
        "ipykernel": lambda: kernel_ready("python3"),
    }
    for fn in cases.values():  # warm-up: file caches, Python imports
        fn()
    samples = {n: [] for n in cases}
    names = list(cases)
    for i in range(REPS):
        order = names if i % 2 == 0 else list(reversed(names))
        for n in order:
            samples[n].append(cases[n]())
    out = {"reps": REPS}
    for n, values in samples.items():
        out[n] = {
            "median_ms": statistics.median(v[0] for v in values),
            "min_ms": min(v[0] for v in values),
            "peak_rss_mb": statistics.median(v[1] for v in values),
            # JSON has no NaN: cases without a CPU measurement (LSP, kernels) get null
            "cpu_ms": None if any(v[2] != v[2] for v in values) else statistics.median(v[2] for v in values),
        }
    node = out["node"]["median_ms"]
    out["ratios"] = {
        "exec_to_node": out["exec"]["median_ms"] / node,
        "run_to_node": out["run"]["median_ms"] / node,
        "lsp_to_node": out["lsp"]["median_ms"] / node,
        "kernel_to_ipykernel": out["kernel"]["median_ms"] / out["ipykernel"]["median_ms"],
        "exec_cpu_to_node": out["exec"]["cpu_ms"] / out["node"]["cpu_ms"],
        "run_cpu_to_node": out["run"]["cpu_ms"] / out["node"]["cpu_ms"],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
