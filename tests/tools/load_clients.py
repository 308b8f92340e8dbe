#!/usr/bin/env python3
"""Many protocol clients at once against one daemon, for
tests/stress/load.sh: N Unix-socket connections speaking the JSON-lines
protocol (docs/protocol.md, version 7), each running its own loop.

  load_clients.py SOCKET DAEMON_PID MARK CLIENTS SECONDS OUT.json

Phases, every connection at once:
  setup    each client submits its "keep" job (load/cI/keep), which runs
           for the whole test.
  loop     for SECONDS: submit load/cI/K, list it (match), stop it,
           remove it, K += 1.  A client checks the time only between
           iterations, so no iteration is cut.
  check    client 0 lists every job, which must show each client's keep
           job running and no job without the load/ prefix.  Not in the
           loop: a whole-table reply (about a megabyte, and its cJSON
           tree) moves the daemon's RSS by up to 8 MiB, and glibc keeps
           such a high-water mark resident for tens of seconds, which
           hid what rss_check is for (with every client listing the
           whole table the mark crept up for the whole run; with client
           0 alone a 30 s run still failed twice with no leak).
  finish   even clients submit load/cI/last and stop it (left exited);
           even clients stop their keep job (exited), odd ones leave it
           running.
Jobs are `sleep MARK`.  Every reply is checked (label, state, signal);
an error reply or a wrong reply is counted by op and code, never
retried.  No error is expected: each client touches only its own labels.

The daemon's VmRSS is sampled every second of the loop phase.

OUT.json: {"iterations", "requests", "errors": {"op code": n},
"wrong": [first messages], "expect": {label: "running" | "exited" |
"removed"}, "rss_kb": [per second], "max_latency_ms": {op: ms}}.
One thread, selectors: a client is a small state machine; the daemon
serves one request per connection at a time, so a client has at most
one request in flight, as the CLI has.
"""
import json
import selectors
import socket
import sys
import time

REQUEST_DEADLINE = 120.0    # s: a reply later than this is an error


class Client:
    def __init__(self, index, sock):
        self.index = index
        self.sock = sock
        self.inbuf = b""
        self.steps = []          # (op, request fields, check)
        self.sent_at = None
        self.op = None
        self.check = None
        self.k = 0
        self.done = False
        self.broken = False      # closed or silent: out of the test
        self.planned = None      # the one-shot phase already planned

    def label(self, name):
        return "load/c%d/%s" % (self.index, name)


class Driver:
    def __init__(self, path, daemon_pid, mark, count, seconds):
        self.path = path
        self.daemon_pid = daemon_pid
        self.mark = mark
        self.seconds = seconds
        self.sel = selectors.DefaultSelector()
        self.next_id = 1
        self.requests = 0
        self.iterations = 0
        self.errors = {}
        self.wrong = []
        self.expect = {}
        self.rss = []
        self.latency = {}
        self.phase = "setup"
        self.loop_end = None
        self.clients = [self.connect(i) for i in range(count)]

    def connect(self, i):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.path)
        s.setblocking(False)
        c = Client(i, s)
        self.sel.register(s, selectors.EVENT_READ, c)
        return c

    # --- checks of replies ------------------------------------------------
    def bad(self, c, op, what):
        key = "%s wrong" % op
        self.errors[key] = self.errors.get(key, 0) + 1
        if len(self.wrong) < 20:
            self.wrong.append("client %d %s: %s" % (c.index, op, what))

    def one_job(self, label, state, signal=None):
        def check(c, op, result):
            jobs = [result["job"]] if "job" in result else result["jobs"]
            if result.get("errors"):
                return self.bad(c, op, "errors %r" % result["errors"])
            if len(jobs) != 1 or jobs[0]["label"] != label:
                return self.bad(c, op, "%r is not one job %s" %
                                ([j["label"] for j in jobs], label))
            j = jobs[0]
            if state is not None and j["state"] != state:
                return self.bad(c, op, "%s is %s, not %s" %
                                (label, j["state"], state))
            if signal is not None and j["signal"] != signal:
                return self.bad(c, op, "%s ended by %r" % (label, j["signal"]))
        return check

    def whole_list(self, c, op, result):
        keep = {}
        for j in result["jobs"]:
            if not j["label"].startswith("load/"):
                self.bad(c, op, "a job the test did not submit: %s" % j["label"])
            if j["label"].endswith("/keep"):
                keep[j["label"]] = j["state"]
        # Keep jobs are submitted in setup and stopped only after the loop.
        for other in self.clients:
            if keep.get(other.label("keep")) != "running":
                return self.bad(c, op, "%s is %r" % (other.label("keep"),
                                keep.get(other.label("keep"))))

    # --- the loop ---------------------------------------------------------
    def spec(self, label):
        return {"label": label, "argv": ["sleep", self.mark],
                "path": "/usr/bin:/bin", "cwd": "/"}

    def plan(self, c):
        """The next steps of client c for the current phase."""
        if self.phase != "loop":
            if c.planned == self.phase:
                return []
            c.planned = self.phase
        if self.phase == "setup":
            lab = c.label("keep")
            self.expect[lab] = "running"
            return [("submit", self.spec(lab), self.one_job(lab, "running"))]
        if self.phase == "loop":
            if time.monotonic() >= self.loop_end:
                return []
            lab = c.label(str(c.k))
            c.k += 1
            self.iterations += 1
            self.expect[lab] = "removed"
            steps = [("submit", self.spec(lab), self.one_job(lab, "running")),
                     ("list", {"match": [lab]}, self.one_job(lab, "running")),
                     ("stop", {"match": [lab]},
                      self.one_job(lab, "exited", "SIGTERM")),
                     ("remove", {"match": [lab]}, self.one_job(lab, None))]
            return steps
        if self.phase == "check":
            return [("list", {}, self.whole_list)] if c.index == 0 else []
        steps = []
        if c.index % 2 == 0:
            last, keep = c.label("last"), c.label("keep")
            self.expect[last] = self.expect[keep] = "exited"
            steps = [("submit", self.spec(last), self.one_job(last, "running")),
                     ("stop", {"match": [last]},
                      self.one_job(last, "exited", "SIGTERM")),
                     ("stop", {"match": [keep]},
                      self.one_job(keep, "exited", "SIGTERM"))]
        return steps

    def send_next(self, c):
        if not c.steps:
            c.steps = self.plan(c)
            if not c.steps:
                c.done = True
                return
        op, fields, check = c.steps.pop(0)
        req = {"v": 7, "id": self.next_id, "op": op}
        req.update(fields)
        self.next_id += 1
        c.op, c.check, c.sent_at = op, check, time.monotonic()
        c.req_id = req["id"]
        c.sock.setblocking(True)
        c.sock.sendall((json.dumps(req) + "\n").encode())
        c.sock.setblocking(False)
        self.requests += 1

    def on_reply(self, c, line):
        took = (time.monotonic() - c.sent_at) * 1000
        self.latency[c.op] = max(self.latency.get(c.op, 0), took)
        try:
            reply = json.loads(line)
        except ValueError:
            return self.bad(c, c.op, "not JSON: %r" % line[:200])
        if reply.get("id") != c.req_id:
            self.bad(c, c.op, "reply id %r for %r" % (reply.get("id"), c.req_id))
        elif "error" in reply:
            key = "%s %s" % (c.op, reply["error"].get("code"))
            self.errors[key] = self.errors.get(key, 0) + 1
            if len(self.wrong) < 20:
                self.wrong.append("client %d %s: %s" %
                                  (c.index, c.op, reply["error"]))
        else:
            c.check(c, c.op, reply["result"])

    def on_readable(self, c):
        data = c.sock.recv(1 << 20)
        if not data:
            self.bad(c, c.op, "the daemon closed the connection")
            self.sel.unregister(c.sock)
            c.done = c.broken = True
            return
        c.inbuf += data
        while b"\n" in c.inbuf:
            line, c.inbuf = c.inbuf.split(b"\n", 1)
            self.on_reply(c, line)
            c.sent_at = None
            self.send_next(c)

    def sample_rss(self):
        with open("/proc/%d/status" % self.daemon_pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    self.rss.append(int(line.split()[1]))

    def run_phase(self, phase):
        self.phase = phase
        for c in self.clients:
            if not c.broken:
                c.done = False
                self.send_next(c)
        next_sample = time.monotonic()
        while not all(c.done for c in self.clients):
            now = time.monotonic()
            if phase == "loop" and now >= next_sample:
                self.sample_rss()
                next_sample += 1.0
            for key, _ in self.sel.select(timeout=0.2):
                self.on_readable(key.data)
            for c in self.clients:
                if c.sent_at is not None and not c.done and \
                        now - c.sent_at > REQUEST_DEADLINE:
                    self.bad(c, c.op, "no reply in %d s" % REQUEST_DEADLINE)
                    self.sel.unregister(c.sock)
                    c.done = c.broken = True

    def run(self):
        self.run_phase("setup")
        self.loop_end = time.monotonic() + self.seconds
        self.run_phase("loop")
        self.run_phase("check")
        self.run_phase("finish")


def main():
    path, pid, mark, count, seconds, out = sys.argv[1:7]
    d = Driver(path, int(pid), mark, int(count), float(seconds))
    d.run()
    with open(out, "w") as f:
        json.dump({"iterations": d.iterations, "requests": d.requests,
                   "errors": d.errors, "wrong": d.wrong, "expect": d.expect,
                   "rss_kb": d.rss,
                   "max_latency_ms": {k: round(v) for k, v in
                                      d.latency.items()}}, f)


if __name__ == "__main__":
    main()
