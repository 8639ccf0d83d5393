"""Execute round trip through jupyter_client: llmspell vs ipykernel, interleaved in one run.

Prints one JSON object. Run by bench/kernel-latency.ts (which installs the llmspell kernelspec
into a temp JUPYTER_PATH); ipykernel is Debian's python3 kernelspec.
"""
import json
import statistics
import sys
import time

from jupyter_client import KernelManager

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
WARMUP = 20
STARTS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
CODE = "x = 1 + 1"


def start(name):
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc, (time.perf_counter() - t0) * 1000


def roundtrip(kc):
    """ms from sending execute_request to the execute_reply, and to the idle status."""
    t0 = time.perf_counter()
    msg_id = kc.execute(CODE)
    while True:
        reply = kc.get_shell_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    t_reply = time.perf_counter()
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if (
            m["parent_header"].get("msg_id") == msg_id
            and m["msg_type"] == "status"
            and m["content"]["execution_state"] == "idle"
        ):
            break
    t_idle = time.perf_counter()
    assert reply["content"]["status"] == "ok", reply["content"]
    return (t_reply - t0) * 1000, (t_idle - t0) * 1000


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def main():
    names = ["llmspell", "python3"]
    startup = {n: [] for n in names}
    # start-to-ready, interleaved
    for _ in range(STARTS):
        for n in names:
            km, kc, ms = start(n)
            startup[n].append(ms)
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    kernels = {n: start(n)[:2] for n in names}
    reply = {n: [] for n in names}
    idle = {n: [] for n in names}
    for i in range(WARMUP + ROUNDS):
        order = names if i % 2 == 0 else list(reversed(names))
        for n in order:
            r, d = roundtrip(kernels[n][1])
            if i >= WARMUP:
                reply[n].append(r)
                idle[n].append(d)
    for km, kc in kernels.values():
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    out = {"rounds": ROUNDS, "code": CODE}
    for n in names:
        out[n] = {
            "reply_median_ms": statistics.median(reply[n]),
            "reply_p99_ms": pct(reply[n], 99),
            "idle_median_ms": statistics.median(idle[n]),
            "idle_p99_ms": pct(idle[n], 99),
            "start_to_ready_median_ms": statistics.median(startup[n]),
        }
    out["ratio_reply_median"] = out["llmspell"]["reply_median_ms"] / out["python3"]["reply_median_ms"]
    out["ratio_idle_median"] = out["llmspell"]["idle_median_ms"] / out["python3"]["idle_median_ms"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
