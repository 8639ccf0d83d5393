"""Protocol scenarios run with jupyter_client against the llmspell kernel.

Usage: scenarios.py NAME. Prints one JSON object with the observed facts; the node test asserts
on them (test/e2e/jupyter/protocol.test.ts). The kernel comes from the kernelspec on JUPYTER_PATH.
"""
import json
import os
import sys
import threading
import time
import uuid

import zmq
from jupyter_client import KernelManager, BlockingKernelClient
from jupyter_client.session import Session

TIMEOUT = 20


def start():
    km = KernelManager(kernel_name="llmspell")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def run(kc, code, **kw):
    """Execute, collect iopub until idle, return (reply, outputs)."""
    msg_id = kc.execute(code, **kw)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    outputs = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status":
            if m["content"]["execution_state"] == "idle":
                break
            continue
        if m["msg_type"] == "execute_input":
            continue
        outputs.append({"type": m["msg_type"], "content": m["content"]})
    return reply["content"], outputs


def wait_iopub(kc, msg_id, msg_type):
    """Read IOPub until the message of type msg_type whose parent is msg_id (the readiness signal)."""
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == msg_type:
            return m


def round_trip(sock, session):
    """A signed kernel_info_request on `sock`, then its reply: the kernel has handled everything sent
    on `sock` before it (one connection's requests are handled in order). Returns the msg_types of
    the replies that came before it."""
    marker = session.send(sock, "kernel_info_request", {})["header"]["msg_id"]
    before = []
    poller = zmq.Poller()
    poller.register(sock, zmq.POLLIN)
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if not dict(poller.poll(1000)).get(sock):
            continue
        _, reply = session.feed_identities(sock.recv_multipart())
        reply = session.deserialize(reply)
        if reply["parent_header"].get("msg_id") == marker:
            return before
        before.append(reply["msg_type"])
    raise RuntimeError("no kernel_info_reply on the raw socket within %d s" % TIMEOUT)


def scenario_interrupt():
    km, kc = start()
    try:
        msg_id = kc.execute("while true do end")
        wait_iopub(kc, msg_id, "execute_input")  # the cell is running
        # the heartbeat must beat while the cell spins (jupyter_client pings once a second)
        hb = False
        deadline = time.time() + 10
        while not hb and time.time() < deadline:
            hb = kc.hb_channel.is_beating()
            if not hb:
                time.sleep(0.1)
        # kernel_info on control while the cell spins
        info_id = kc.session.send(kc.control_channel.socket, "kernel_info_request", {})["header"]["msg_id"]
        info = kc.get_control_msg(timeout=5)
        km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on control
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:  # a late kernel_info_reply of wait_for_ready
            reply = kc.get_shell_msg(timeout=TIMEOUT)
        after, outputs = run(kc, "1 + 1")
        return {
            "heartbeat_while_spinning": hb,
            "control_kernel_info": info["content"]["status"],
            "control_parent_ok": info["parent_header"]["msg_id"] == info_id,
            "reply_parent_ok": reply["parent_header"]["msg_id"] == msg_id,
            "status": reply["content"]["status"],
            "ename": reply["content"].get("ename"),
            "after_status": after["status"],
            "after_result": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"],
        }
    finally:
        stop(km, kc)


def scenario_interrupt_early():
    """Interrupt as soon as execute_input is published (before the cell's code may have started)."""
    km, kc = start()
    try:
        enames = []
        for _ in range(5):
            msg_id = kc.execute("while true do end")
            while True:
                m = kc.get_iopub_msg(timeout=TIMEOUT)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                    break
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=TIMEOUT)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=TIMEOUT)
            enames.append(reply["content"].get("ename"))
        after, outputs = run(kc, "1 + 1")
        return {
            "enames": enames,
            "after_status": after["status"],
            "after_result": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"],
        }
    finally:
        stop(km, kc)


def scenario_stdin():
    km, kc = start()
    try:
        prompts = []

        def answer(msg):
            prompts.append(msg["content"])
            kc.input("secret" if msg["content"]["password"] else "Ada")

        outputs = []
        reply = kc.execute_interactive(
            'io.write("name? ")\nlocal n = io.read()\nprint("hello " .. n)',
            allow_stdin=True,
            stdin_hook=answer,
            output_hook=lambda m: outputs.append(m),
            timeout=TIMEOUT,
        )
        text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
        denied, denied_out = run(kc, "return io.read()", allow_stdin=False)
        return {
            "status": reply["content"]["status"],
            "prompts": prompts,
            "stdout": text,
            "denied_status": denied["status"],
            "denied_ename": denied.get("ename"),
            "denied_evalue": denied.get("evalue"),
            "denied_error_outputs": len([o for o in denied_out if o["type"] == "error"]),
        }
    finally:
        stop(km, kc)


def raw_shell(kc):
    ctx = zmq.Context.instance()
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect("tcp://%s:%d" % (kc.ip, kc.shell_port))
    return s


def scenario_forged():
    km, kc = start()
    try:
        run(kc, "marker = 1")
        sock = raw_shell(kc)
        # 1. signed with a wrong key
        evil = Session(key=b"not-the-key")
        evil.send(sock, "execute_request", {"code": "marker = 666", "silent": False})
        # 2. valid message with a forged signature
        good = Session(key=kc.session.key)
        msg = good.msg("execute_request", {"code": "marker = 667", "silent": False})
        frames = good.serialize(msg)
        frames[1] = b"0" * 64
        sock.send_multipart(frames)
        # 3. replay of a correctly signed message: the first copy runs, the duplicate is dropped
        msg = good.msg("execute_request", {"code": "marker = marker + 1", "silent": False, "store_history": False})
        frames = good.serialize(msg)
        sock.send_multipart(frames)
        sock.send_multipart(frames)
        replies = len(round_trip(sock, good))
        sock.close()
        reply, outputs = run(kc, "marker")
        return {
            "replies_to_raw_socket": replies,
            "marker": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"],
            "alive": reply["status"],
        }
    finally:
        stop(km, kc)


def scenario_malformed():
    km, kc = start()
    try:
        sock = raw_shell(kc)
        good = Session(key=kc.session.key)
        sent = 0
        # no delimiter, missing frames, bad JSON (correctly signed), a non-object header, empty frames
        for frames in (
            [b"hello"],
            [b"<IDS|MSG>", b"sig"],
            [b"<IDS|MSG>"],
            [],
        ):
            if frames:
                sock.send_multipart(frames)
                sent += 1
        parts = [b"{not json", b"{}", b"{}", b"{}"]
        sock.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
        parts = [b"[1, 2]", b"{}", b"{}", b"{}"]
        sock.send_multipart([b"<IDS|MSG>", good.sign(parts)] + parts)
        sent += 2
        round_trip(sock, good)  # all of the above were read (and dropped)
        # oversize: over the kernel's message limit ([security] max_message_size_mb = 1 in the config the test sets)
        big = good.msg("execute_request", {"code": "x = '" + "a" * (2 * 1024 * 1024) + "'", "silent": False})
        sock.send_multipart(good.serialize(big))
        sent += 1
        sock.setsockopt(zmq.LINGER, TIMEOUT * 1000)
        sock.close()  # returns once the oversize message was sent
        reply, outputs = run(kc, 'print("still alive")')
        return {
            "sent": sent,
            "alive": reply["status"],
            "stdout": "".join(o["content"].get("text", "") for o in outputs if o["type"] == "stream"),
            "x_defined": [o["content"]["data"]["text/plain"] for o in run(kc, "x == nil")[1] if o["type"] == "execute_result"][0],
        }
    finally:
        stop(km, kc)


def scenario_restart():
    km, kc = start()
    try:
        run(kc, "kept = 41")
        before, _ = run(kc, "kept + 1")
        pid1 = km.provisioner.pid if km.provisioner else None
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        pid2 = km.provisioner.pid if km.provisioner else None
        after, outputs = run(kc, "kept == nil")
        alive_after_restart = km.is_alive()
        # shutdown_request: the kernel replies and exits by itself (nothing else stops it here)
        kc.shutdown()
        deadline = time.time() + TIMEOUT
        while km.is_alive() and time.time() < deadline:
            time.sleep(0.05)
        exited = not km.is_alive()
        return {
            "before": before["status"],
            "new_process": pid1 != pid2,
            "state_reset": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"],
            "alive_after_restart": alive_after_restart,
            "exited_after_shutdown": exited,
        }
    finally:
        try:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        except Exception:
            pass


def scenario_multiclient():
    km, kc = start()
    try:
        run(kc, "shared = 0")
        n = 8
        clients = []
        for _ in range(n):
            c = BlockingKernelClient()
            c.load_connection_info(km.get_connection_info())
            c.start_channels()
            c.wait_for_ready(timeout=TIMEOUT)
            clients.append(c)
        results = [None] * n

        def work(i):
            c = clients[i]
            statuses = []
            for _ in range(5):
                r = c.execute_interactive("shared = shared + 1", timeout=TIMEOUT)
                statuses.append(r["content"]["status"])
            results[i] = statuses

        threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
        for c in clients:
            c.stop_channels()
        _, outputs = run(kc, "shared")
        return {
            "statuses": sorted(set(s for r in results if r for s in r)),
            "all_replied": all(r is not None and len(r) == 5 for r in results),
            "shared": [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"],
        }
    finally:
        stop(km, kc)


def scenario_execute_rules():
    km, kc = start()
    try:
        r1, _ = run(kc, "a = 1")
        r2, out_silent = run(kc, 'print("x")', silent=True)
        r3, _ = run(kc, "a = 2", store_history=False)
        r4, out_err = run(kc, "nosuch()")
        r5, _ = run(kc, "a = 3")
        ue, _ = run(kc, "b = 10", user_expressions={"twice": "b * 2", "bad": "nope()"})
        # stop_on_error: queued cells after a failing one are aborted. The failing cell runs for a
        # moment first so the other two are surely sent (and queued) before the error, even when a
        # loaded machine delays this client between its sends.
        slow_error = 'local t0 = os.clock() while os.clock() - t0 < 0.3 do end error("stop")'
        ids = [kc.execute(code) for code in (slow_error, "a = 100", "a = 101")]
        replies = {}
        while len(replies) < 3:
            m = kc.get_shell_msg(timeout=TIMEOUT)
            replies[m["parent_header"]["msg_id"]] = m["content"]["status"]
        a, outs = run(kc, "a")
        return {
            "counts": [r1["execution_count"], r2["execution_count"], r3["execution_count"], r4["execution_count"], r5["execution_count"]],
            "silent_outputs": len(out_silent),
            "error_outputs": [o["type"] for o in out_err],
            "error_status": r4["status"],
            "error_traceback": r4.get("traceback", []),
            "user_expressions": {k: v["status"] for k, v in ue["user_expressions"].items()},
            "twice": ue["user_expressions"]["twice"].get("data", {}).get("text/plain"),
            "abort_statuses": [replies[i] for i in ids],
            "a_after_abort": [o["content"]["data"]["text/plain"] for o in outs if o["type"] == "execute_result"],
        }
    finally:
        stop(km, kc)


if __name__ == "__main__":
    name = sys.argv[1]
    result = globals()["scenario_" + name]()
    sys.stdout.write(json.dumps(result) + "\n")
