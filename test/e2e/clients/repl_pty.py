"""Drive a terminal program in a pseudo-terminal, step by step, waiting for text (no sleeps).

Usage: repl_pty.py STEPS_JSON CMD [ARGS...]
STEPS_JSON is a list of ["send", text] and ["expect", regex] steps; "expect" waits (60 s safety
net) until the regex matches the output read since the previous match. Prints one JSON object:
{"ok": bool, "matches": [[groups...]...], "output": all output (ANSI escapes removed),
"exit": status or null, "error": message when a step failed}.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


def main():
    steps = json.loads(sys.argv[1])
    cmd = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(cmd[0], cmd)
    raw = b""
    seen = 0  # cleaned-output offset already consumed by matches
    result = {"ok": False, "matches": [], "output": "", "exit": None}

    def clean():
        return ANSI.sub("", raw.decode("utf-8", "replace"))

    def read_some(deadline):
        nonlocal raw
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return False
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        raw += chunk
        return True

    try:
        for kind, arg in steps:
            if kind == "send":
                os.write(fd, arg.encode())
                continue
            pattern = re.compile(arg)
            deadline = time.monotonic() + 60
            while True:
                text = clean()
                m = pattern.search(text, seen)
                if m:
                    result["matches"].append(list(m.groups()) or [m.group(0)])
                    seen = m.end()
                    break
                if not read_some(deadline):
                    raise RuntimeError("timed out or EOF waiting for %r" % arg)
        # wait for the program to exit (it should, after the last step)
        deadline = time.monotonic() + 30
        while read_some(deadline):
            pass
        # the terminal closed: wait for the exit status (SIGALRM is the safety net)
        signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGKILL))
        signal.alarm(30)
        _, status = os.waitpid(pid, 0)
        signal.alarm(0)
        result["exit"] = os.waitstatus_to_exitcode(status)
        result["ok"] = True
    except Exception as e:  # report, then stop the child
        result["error"] = str(e)
    finally:
        if result["exit"] is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        result["output"] = clean()
        print(json.dumps(result))


main()
