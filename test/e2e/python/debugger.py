"""JupyterLab-style debugger session through jupyter_client's control channel.

Usage: debugger.py jupyterlab | debugger.py cell FILE
Prints one JSON object with the observed facts; test/e2e/jupyter/debugger.test.ts asserts on them.
"""
import json
import sys
import time

from jupyter_client import KernelManager

TIMEOUT = 20


def start():
    km = KernelManager(kernel_name="llmspell")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


class Debug:
    def __init__(self, kc):
        self.kc = kc
        self.seq = 0
        self.events = []

    def request(self, command, arguments=None):
        self.seq += 1
        content = {"seq": self.seq, "type": "request", "command": command, "arguments": arguments or {}}
        msg = self.kc.session.msg("debug_request", content)
        self.kc.control_channel.send(msg)
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            reply = self.kc.get_control_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                return reply["content"]
        raise TimeoutError(command)

    def wait_event(self, name):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["msg_type"] == "debug_event":
                self.events.append(m["content"]["event"])
                if m["content"]["event"] == name:
                    return m["content"]
        raise TimeoutError(name)


def scenario_jupyterlab():
    km, kc = start()
    try:
        info = kc.kernel_info(reply=True)["content"]
        d = Debug(kc)
        init = d.request("initialize", {"clientID": "test", "adapterID": "llmspell", "linesStartAt1": True,
                                        "columnsStartAt1": True, "pathFormat": "path"})
        attach = d.request("attach", {})
        dbg_info = d.request("debugInfo")
        code = "local x = 1\nlocal y = x + 41\nprint(y)\nreturn y"
        dump = d.request("dumpCell", {"code": code})
        path = dump["body"]["sourcePath"]
        line = code.split("\n").index("print(y)") + 1
        bps = d.request("setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": line}],
                                           "sourceModified": False})
        done = d.request("configurationDone")
        msg_id = kc.execute(code)
        stopped = d.wait_event("stopped")
        thread = stopped["body"]["threadId"]
        stack = d.request("stackTrace", {"threadId": thread})
        frame = stack["body"]["stackFrames"][0]
        scopes = d.request("scopes", {"frameId": frame["id"]})
        variables = d.request("variables", {"variablesReference": scopes["body"]["scopes"][0]["variablesReference"]})
        ev = d.request("evaluate", {"expression": "x + y", "frameId": frame["id"], "context": "watch"})
        insp = d.request("inspectVariables")
        cont = d.request("continue", {"threadId": thread})
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        disc = d.request("disconnect", {"restart": False, "terminateDebuggee": False})
        return {
            "kernel_info_debugger": info.get("debugger"),
            "supported_features": info.get("supported_features"),
            "initialize": init["success"],
            "attach": attach["success"],
            "debug_info": {k: dbg_info["body"].get(k) for k in ("isStarted", "hashMethod", "tmpFileSuffix")},
            "tmp_prefix_ok": path.startswith(dbg_info["body"]["tmpFilePrefix"]),
            "breakpoint": bps["body"]["breakpoints"][0],
            "configuration_done": done["success"],
            "stopped_reason": stopped["body"]["reason"],
            "top_frame": {"line": frame["line"], "path": frame.get("source", {}).get("path")},
            "cell_path": path,
            "code": code,
            "locals": {v["name"]: v["value"] for v in variables["body"]["variables"]},
            "evaluate": ev["body"]["result"],
            "inspect_ok": insp["success"],
            "continue": cont["success"],
            "execute_status": reply["content"]["status"],
            "disconnect": disc["success"],
        }
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def scenario_cell():
    """Run a cell that calls into FILE; the node side debugs it over the DAP port (attach)."""
    target = sys.argv[2]
    km, kc = start()
    try:
        sys.stdout.write(json.dumps({"ready": True}) + "\n")
        sys.stdout.flush()
        # wait for the node side to attach and set its breakpoint
        sys.stdin.readline()
        msg_id = kc.execute("local r = dofile(%s)\nreturn r" % json.dumps(target))
        reply = kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=60)
        result = None
        while True:
            m = kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "execute_result":
                result = m["content"]["data"]["text/plain"]
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        sys.stdout.write(json.dumps({"status": reply["content"]["status"], "result": result}) + "\n")
        sys.stdout.flush()
        # the kernel (and its DAP port) stays up until the node side has disconnected its client
        sys.stdin.readline()
        return {"done": True}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


if __name__ == "__main__":
    name = sys.argv[1]
    result = globals()["scenario_" + name]()
    sys.stdout.write(json.dumps(result) + "\n")
