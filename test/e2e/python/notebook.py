"""Notebook behaviours checked with jupyter_client (test/e2e/jupyter/notebook.test.ts).

Usage: notebook.py NAME. Prints one JSON object with the observed facts.
"""
import json
import os
import signal
import subprocess
import sys
import time

import zmq
from jupyter_client.session import Session

from scenarios import TIMEOUT, run, start, stop


def texts(outputs, kind="execute_result"):
    return [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == kind]


def scenario_cells():
    km, kc = start()
    try:
        _, display_out = run(kc, 'display.html("<b>x</b>")')
        _, last_out = run(kc, "x = 41\nx + 1")
        _, semi_out = run(kc, "local s = 'ab'; s:upper() .. '!'")
        _, multi_out = run(kc, "y = 2\n{\n  y,\n  3,\n}")
        err, err_out = run(kc, "x = = 1\nx")
        magic, _ = run(kc, "%%lua\nlocal a = 1\nerror('boom')")
        page, _ = run(kc, "?print")
        exit_reply, exit_out = run(kc, "exit")
        quit_reply, _ = run(kc, "quit()")
        run(kc, "function quit() return 'mine' end")
        _, fn_out = run(kc, "quit()")
        return {
            "display_types": [o["type"] for o in display_out],
            "last_values": texts(last_out),
            "semi_values": texts(semi_out),
            "multi_values": texts(multi_out),
            "syntax_status": err["status"],
            "syntax_ename": err.get("ename"),
            "magic_evalue": magic.get("evalue"),
            "page_sources": [p["source"] for p in page["payload"]],
            "exit_payload": exit_reply["payload"],
            "exit_outputs": len(exit_out),
            "quit_payload": quit_reply["payload"],
            "user_quit": texts(fn_out),
        }
    finally:
        stop(km, kc)


def scenario_complete():
    km, kc = start()
    try:
        out = {}
        samples = {
            "local_method": "local s = 'abc'\ns:up",
            "paren_string": "('x'):re",
            "local_table": "local t = {alpha = 1, beta = {}}\nt.al",
            "local_alias": "local m = string\nm.for",
            "global_still": "string.up",
            "call_not_run": "local f = os.exit(3)\nf.",
        }
        for name, code in samples.items():
            msg_id = kc.complete(code, len(code))
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            while reply["parent_header"].get("msg_id") != msg_id:  # e.g. a late kernel_info_reply
                reply = kc.get_shell_msg(timeout=TIMEOUT)
            c = reply["content"]
            out[name] = {"matches": c["matches"], "start": c["cursor_start"], "end": c["cursor_end"]}
        # the kernel is still alive (os.exit was not evaluated)
        r, outputs = run(kc, "1 + 1")
        out["alive"] = texts(outputs)
        return out
    finally:
        stop(km, kc)


def debug(kc, command, arguments=None, seq=[0]):
    seq[0] += 1
    sent = kc.session.send(
        kc.control_channel.socket,
        "debug_request",
        {"seq": seq[0], "type": "request", "command": command, "arguments": arguments or {}},
    )
    while True:
        reply = kc.get_control_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == sent["header"]["msg_id"]:
            return reply["content"]


def scenario_debugger():
    """JupyterLab's variable explorer and Kernel Sources panel while nothing is stopped."""
    km, kc = start()
    try:
        run(kc, "t = {10, 20, alpha = 1, inner = {x = 2}}")
        info = debug(kc, "debugInfo")
        variables = debug(kc, "inspectVariables")["body"]["variables"]
        t = next(v for v in variables if v["name"] == "t")
        children = debug(kc, "variables", {"variablesReference": t["variablesReference"]})["body"]["variables"]
        inner = next(v for v in children if v["name"] == "inner")
        grandchildren = debug(kc, "variables", {"variablesReference": inner["variablesReference"]})["body"]["variables"]
        modules = debug(kc, "modules", {})
        return {
            "copy_to_globals": info["body"].get("copyToGlobals"),
            "t_ref": t["variablesReference"],
            "children": [[c["name"], c["value"], c["evaluateName"]] for c in children],
            "inner_ref": inner["variablesReference"],
            "grandchildren": [[c["name"], c["value"]] for c in grandchildren],
            "modules_success": modules["success"],
            "module_names": [m["name"] for m in modules["body"]["modules"]],
            "module_paths_exist": all(os.path.exists(m["path"]) for m in modules["body"]["modules"]),
            "total_modules": modules["body"]["totalModules"],
        }
    finally:
        stop(km, kc)


def scenario_requests():
    km, kc = start()
    try:
        s = kc.session
        sent = s.send(kc.shell_channel.socket, "connect_request", {})
        connect = kc.get_shell_msg(timeout=TIMEOUT)
        while connect["parent_header"].get("msg_id") != sent["header"]["msg_id"]:
            connect = kc.get_shell_msg(timeout=TIMEOUT)
        s.send(kc.control_channel.socket, "usage_request", {})
        usage = kc.get_control_msg(timeout=TIMEOUT)
        s.send(kc.control_channel.socket, "usage_request", {})
        usage2 = kc.get_control_msg(timeout=TIMEOUT)
        info = km.get_connection_info()
        # JEP 65: a fresh subscriber gets iopub_welcome (no request needed)
        ctx = zmq.Context.instance()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect("tcp://%s:%d" % (info["ip"], info["iopub_port"]))
        welcome = None
        deadline = time.time() + TIMEOUT
        while welcome is None and time.time() < deadline:
            if sub.poll(1000):
                frames = sub.recv_multipart()
                idents, msg = s.feed_identities(frames)
                m = s.deserialize(msg)
                if m["msg_type"] == "iopub_welcome":
                    welcome = m
        sub.close(0)
        c = connect["content"]
        return {
            "connect_type": connect["msg_type"],
            "connect_ports_ok": all(c[k] == info[k] for k in ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")),
            "usage_type": usage["msg_type"],
            "usage_keys": sorted(usage2["content"].keys()),
            "usage_pid": usage["content"]["pid"],
            "kernel_pid": km.provisioner.process.pid if km.provisioner else None,
            "welcome_content": welcome["content"] if welcome else None,
        }
    finally:
        stop(km, kc)


def scenario_parent_dies():
    """A launcher process starts the kernel and is killed; the kernel must exit on its own."""
    code = (
        "import sys, time\n"
        "from jupyter_client import KernelManager\n"
        "km = KernelManager(kernel_name='llmspell')\n"
        "km.start_kernel()\n"
        "kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=20)\n"
        "mid = kc.execute('while true do end')\n"
        "while True:\n"
        "    m = kc.get_iopub_msg(timeout=20)\n"
        "    if m['parent_header'].get('msg_id') == mid and m['msg_type'] == 'execute_input': break\n"
        "print(km.provisioner.process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    launcher = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=os.environ)
    pid = int(launcher.stdout.readline().strip())  # printed once the kernel runs the cell
    alive_before = os.path.exists("/proc/%d" % pid)
    launcher.send_signal(signal.SIGKILL)
    launcher.wait()
    exited = False
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            exited = True
            break
        with open("/proc/%d/stat" % pid) as f:
            if f.read().split(")")[-1].split()[0] == "Z":
                exited = True
                break
        time.sleep(0.2)
    if not exited:
        os.kill(pid, signal.SIGKILL)
    return {"alive_before": alive_before, "exited": exited}


if __name__ == "__main__":
    result = globals()["scenario_" + sys.argv[1]]()
    sys.stdout.write(json.dumps(result) + "\n")
