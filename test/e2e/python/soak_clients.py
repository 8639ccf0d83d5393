"""Soak driver: N concurrent jupyter_client clients executing cells against one kernel for S seconds.

Usage: /usr/bin/python3 soak_clients.py CONNECTION_FILE SECONDS CLIENTS

Run by bench/soak-lib.ts (bench/soak.ts and test/e2e/service/soak.test.ts). One asyncio loop with
CLIENTS AsyncKernelClient instances (each its own session, shell DEALER and iopub SUB). Each client
runs a loop of cells (a per-client counter, a shared counter, print, a table render, every 7th an
error cell with stop_on_error False) and checks that every execute_request gets exactly one
execute_reply with the right parent, one busy and one idle status, and the expected output.

Prints "ready <clients>" on stdout when every client is connected (the load starts then), a
progress line on stderr every 5 s, and one JSON object as the last stdout line.
"""
import asyncio
import json
import sys
import time
from queue import Empty

import zmq

from jupyter_client.asynchronous import AsyncKernelClient

CONNECTION_FILE = sys.argv[1]
SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 50
# "unique": print/table/error cells carry the iteration number, so most cells are distinct code
# (the kernel keeps a little per distinct cell: its source, chunk file and statement map);
# "fixed": every client re-runs the same five cells (only per-execution costs remain).
CELLS = sys.argv[4] if len(sys.argv) > 4 else "unique"
REPLY_TIMEOUT = 30.0  # an execute_reply later than this counts as lost
IDLE_TIMEOUT = 10.0  # after the reply, the idle status must arrive within this
MAX_PROBLEMS = 20
DELIM = b"<IDS|MSG>"


class Totals:
    def __init__(self):
        self.sent = 0
        self.replied = 0
        self.lost = 0
        self.late = 0
        self.duplicate_replies = 0
        self.unexpected_replies = 0
        self.missing_idle = 0
        self.duplicate_status = 0
        self.wrong_output = 0
        self.wrong_status = 0
        self.aborted = 0
        self.error_cells = 0
        self.kinds = {}
        self.latencies = []
        self.problems = []
        self.exceptions = []
        self.per_client = []
        self.lost_unanswered = 0

    def problem(self, text):
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)


T = Totals()


class Pending:
    """What one execute_request has seen so far on iopub."""

    __slots__ = ("busy", "idle", "stream", "results", "errors", "idle_event")

    def __init__(self):
        self.busy = 0
        self.idle = 0
        self.stream = ""
        self.results = []
        self.errors = []
        self.idle_event = asyncio.Event()


class Client:
    def __init__(self, cid):
        self.cid = cid
        self.kc = AsyncKernelClient(connection_file=CONNECTION_FILE)
        self.kc.load_connection_file()
        self.session_id = self.kc.session.session
        self.pending = {}  # msg_id -> Pending (ours, on iopub)
        self.done = set()  # msg_ids answered (to spot duplicate replies)
        self.lost_ids = set()
        self.executed = 0
        self.last_count = 0
        self.stop_iopub = False

    async def start(self):
        self.kc.start_channels(hb=False)
        # Our own readiness check (wait_for_ready's final flush waits for 0.2 s of iopub silence,
        # which never comes while other clients run): kernel_info until its reply arrives and the
        # iopub subscription is live (a status with our parent is seen).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg_id = self.kc.kernel_info()
            try:
                reply = await self._shell_reply(msg_id, 5)
            except Empty:
                continue
            if reply["msg_type"] != "kernel_info_reply":
                raise RuntimeError("unexpected reply to kernel_info: %s" % reply["msg_type"])
            t_end = time.monotonic() + 1.0
            while time.monotonic() < t_end:
                try:
                    m = await self.kc.get_iopub_msg(timeout=max(0.01, t_end - time.monotonic()))
                except Empty:
                    break
                if m["parent_header"].get("msg_id") == msg_id:
                    return
        raise RuntimeError("client %d: kernel not ready within 60 s" % self.cid)

    async def _shell_reply(self, msg_id, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Empty()
            reply = await self.kc.get_shell_msg(timeout=left)
            parent = reply["parent_header"].get("msg_id")
            if parent == msg_id:
                return reply
            self._stray_reply(reply)

    def _stray_reply(self, reply):
        parent = reply["parent_header"].get("msg_id")
        if parent in self.lost_ids:
            T.late += 1
            self.lost_ids.discard(parent)
            self.done.add(parent)
            T.problem("client %d: reply to %s arrived after %.0f s" % (self.cid, parent, REPLY_TIMEOUT))
        elif parent in self.done:
            T.duplicate_replies += 1
            T.problem("client %d: second %s for %s" % (self.cid, reply["msg_type"], parent))
        else:
            T.unexpected_replies += 1
            T.problem("client %d: reply with unknown parent %s (%s)" % (self.cid, parent, reply["msg_type"]))

    async def iopub_loop(self):
        # iopub is broadcast: every client sees every client's messages (CLIENTS x the kernel's
        # output). Frames are read without deserializing and only this session's messages go
        # through jupyter_client's Session (signature check, JSON), so the driver keeps up.
        sock = self.kc.iopub_channel.socket
        raw = zmq.Socket.shadow(sock.underlying)
        needle = self.session_id.encode()
        session = self.kc.session
        while not self.stop_iopub:
            if not await sock.poll(200):
                continue
            for _ in range(500):
                try:
                    frames = raw.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                try:
                    i = frames.index(DELIM)
                except ValueError:
                    T.problem("client %d: iopub message without delimiter" % self.cid)
                    continue
                if needle not in frames[i + 3]:
                    continue  # parent_header of another client's request
                m = session.deserialize(frames[i + 1 :])
                self.on_iopub(m)
            await asyncio.sleep(0)

    def on_iopub(self, m):
        parent = m["parent_header"]
        if parent.get("session") != self.session_id:
            return
        p = self.pending.get(parent.get("msg_id"))
        if p is None:
            return  # kernel_info from start(), or a request already given up on
        t = m["msg_type"]
        c = m["content"]
        if t == "status":
            if c["execution_state"] == "busy":
                p.busy += 1
            elif c["execution_state"] == "idle":
                p.idle += 1
                p.idle_event.set()
        elif t == "stream":
            p.stream += c["text"]
        elif t == "execute_result":
            p.results.append(c["data"].get("text/plain", ""))
        elif t == "error":
            p.errors.append(c)

    def cell(self, n):
        """(kind, code, check) for the n-th cell of this client."""
        cid = self.cid
        tag = n if CELLS == "unique" else 0
        if n % 7 == 6:
            code = 'error("soak error %d %d")' % (cid, tag)

            def check(reply, p):
                c = reply["content"]
                ok = c["status"] == "error" and ("soak error %d %d" % (cid, tag)) in c.get("evalue", "")
                return ok and len(p.errors) == 1

            return "error", code, check
        kind = n % 4
        if kind == 0:
            self.executed += 1
            expect = str(self.executed)
            code = "c%d = (c%d or 0) + 1\nx = (x or 0) + 1\nreturn c%d" % (cid, cid, cid)
            return "counter", code, lambda reply, p: p.results == [expect]
        if kind == 1:
            text = "soak %d %d" % (cid, tag)
            code = 'print("soak", %d, %d)\nio.write("%s\\n")' % (cid, tag, text)
            expect = "soak\t%d\t%d\n%s\n" % (cid, tag, text)
            return "print", code, lambda reply, p: p.stream == expect and p.results == []
        if kind == 2:
            code = (
                "local rows = {}\n"
                "for i = 1, 5 do rows[i] = {id = i, name = 'row' .. i, sq = i * i} end\n"
                "local out = {}\n"
                "for _, r in ipairs(rows) do out[#out + 1] = string.format('|%%3d|%%-6s|%%4d|', r.id, r.name, r.sq) end\n"
                "print(table.concat(out, '\\n'))\n"
                "return {client = %d, n = %d, rows = #rows}" % (cid, tag)
            )

            def check(reply, p):
                return (
                    p.stream.count("\n") == 5
                    and "|  5|row5  |  25|" in p.stream
                    and len(p.results) == 1
                    and ("%d" % tag) in p.results[0]
                )

            return "table", code, check
        code = "x"
        return "shared", code, lambda reply, p: len(p.results) == 1 and p.results[0].isdigit()

    async def run(self, t_stop):
        iopub = asyncio.ensure_future(self.iopub_loop())
        n = 0
        try:
            while time.monotonic() < t_stop:
                kind, code, check = self.cell(n)
                n += 1
                p = Pending()
                t0 = time.monotonic()
                msg_id = self.kc.execute(code, stop_on_error=(kind != "error"))
                self.pending[msg_id] = p
                T.sent += 1
                T.kinds[kind] = T.kinds.get(kind, 0) + 1
                try:
                    reply = await self._shell_reply(msg_id, REPLY_TIMEOUT)
                except Empty:
                    T.lost += 1
                    self.lost_ids.add(msg_id)
                    T.problem("client %d: no execute_reply to %s (%s) in %.0f s" % (self.cid, msg_id, kind, REPLY_TIMEOUT))
                    self.pending.pop(msg_id, None)
                    continue
                T.latencies.append((time.monotonic() - t0) * 1000.0)
                T.replied += 1
                self.done.add(msg_id)
                status = reply["content"].get("status")
                if reply["msg_type"] != "execute_reply":
                    T.wrong_status += 1
                    T.problem("client %d: %s answered with %s" % (self.cid, msg_id, reply["msg_type"]))
                if status == "aborted":
                    T.aborted += 1
                if status != ("error" if kind == "error" else "ok"):
                    T.wrong_status += 1
                    T.problem("client %d: %s cell status %s: %s" % (self.cid, kind, status, json.dumps(reply["content"])[:300]))
                if kind == "error":
                    T.error_cells += 1
                count = reply["content"].get("execution_count")
                if not isinstance(count, int) or count <= self.last_count:
                    T.wrong_status += 1
                    T.problem("client %d: execution_count %r after %r" % (self.cid, count, self.last_count))
                else:
                    self.last_count = count
                try:
                    await asyncio.wait_for(p.idle_event.wait(), IDLE_TIMEOUT)
                except asyncio.TimeoutError:
                    T.missing_idle += 1
                    T.problem("client %d: no idle status for %s (%s)" % (self.cid, msg_id, kind))
                    self.pending.pop(msg_id, None)
                    continue
                if p.busy != 1 or p.idle != 1:
                    T.duplicate_status += 1
                    T.problem("client %d: %s busy=%d idle=%d" % (self.cid, msg_id, p.busy, p.idle))
                if not check(reply, p):
                    T.wrong_output += 1
                    T.problem(
                        "client %d: %s cell wrong output: stream=%r results=%r errors=%d"
                        % (self.cid, kind, p.stream[:200], p.results, len(p.errors))
                    )
                self.pending.pop(msg_id, None)
            # catch duplicate or late replies for a moment after the last one
            while True:
                try:
                    reply = await self.kc.get_shell_msg(timeout=0.5)
                except Empty:
                    break
                self._stray_reply(reply)
        finally:
            self.stop_iopub = True
            await iopub
            T.per_client.append(n)
            T.lost_unanswered += len(self.lost_ids)


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


async def main():
    clients = [Client(i) for i in range(CLIENTS)]
    t_connect = time.monotonic()
    await asyncio.gather(*(c.start() for c in clients))
    connect_ms = (time.monotonic() - t_connect) * 1000.0
    print("ready %d" % CLIENTS, flush=True)
    t0 = time.monotonic()
    t_stop = t0 + SECONDS

    async def progress():
        while True:
            await asyncio.sleep(5)
            sys.stderr.write(
                "soak: %5.1f s sent=%d replied=%d lost=%d\n" % (time.monotonic() - t0, T.sent, T.replied, T.lost)
            )
            sys.stderr.flush()

    prog = asyncio.ensure_future(progress())
    results = await asyncio.gather(*(c.run(t_stop) for c in clients), return_exceptions=True)
    prog.cancel()
    elapsed = time.monotonic() - t0
    for r in results:
        if isinstance(r, BaseException):
            T.exceptions.append("%s: %s" % (type(r).__name__, r))
    for c in clients:
        c.kc.stop_channels()
    lat = T.latencies
    out = {
        "clients": CLIENTS,
        "seconds": SECONDS,
        "cells": CELLS,
        "elapsed_s": elapsed,
        "connect_ms": connect_ms,
        "sent": T.sent,
        "replied": T.replied,
        "lost": T.lost,
        "late": T.late,
        "lost_unanswered": T.lost_unanswered,
        "duplicate_replies": T.duplicate_replies,
        "unexpected_replies": T.unexpected_replies,
        "missing_idle": T.missing_idle,
        "duplicate_status": T.duplicate_status,
        "wrong_output": T.wrong_output,
        "wrong_status": T.wrong_status,
        "aborted": T.aborted,
        "error_cells": T.error_cells,
        "kinds": T.kinds,
        "per_client_min": min(T.per_client) if T.per_client else 0,
        "per_client_max": max(T.per_client) if T.per_client else 0,
        "throughput_per_s": T.replied / elapsed if elapsed > 0 else 0,
        "latency_ms": {
            "p50": pct(lat, 50),
            "p90": pct(lat, 90),
            "p99": pct(lat, 99),
            "max": max(lat) if lat else None,
        },
        "problems": T.problems,
        "exceptions": T.exceptions,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
