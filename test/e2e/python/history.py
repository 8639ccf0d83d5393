"""History across kernel restarts through jupyter_client.

Usage: history.py. Starts the llmspell kernel twice (kernelspec on JUPYTER_PATH, same
LLMSPELL_HOME), runs cells in each and prints one JSON object with the history_reply contents
observed in the second session; test/e2e/jupyter/history.test.ts asserts on them.
"""
import json
import sys

from jupyter_client import KernelManager

TIMEOUT = 20


def session(cells, queries):
    km = KernelManager(kernel_name="llmspell")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        for code in cells:
            kc.execute_interactive(code, timeout=TIMEOUT, output_hook=lambda m: None)
        out = {}
        for name, kw in queries.items():
            reply = kc.history(reply=True, timeout=TIMEOUT, **kw)
            out[name] = reply["content"]["history"]
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def main():
    first = session(["a = 1", "a + 41", 'print("first")'], {
        "tail": {"hist_access_type": "tail", "n": 10, "raw": True, "output": False},
    })
    second = session(["b = 2", "b * 10"], {
        "tail": {"hist_access_type": "tail", "n": 10, "raw": True, "output": False},
        "previous": {"hist_access_type": "range", "session": -1, "start": 1, "stop": 10, "raw": True,
                     "output": True},
        "current": {"hist_access_type": "range", "session": 0, "start": 1, "stop": 10, "raw": True,
                    "output": False},
        "search": {"hist_access_type": "search", "pattern": "a*", "raw": True, "output": False, "n": 10,
                   "unique": True},
    })
    sys.stdout.write(json.dumps({"first": first, "second": second}) + "\n")


if __name__ == "__main__":
    main()
