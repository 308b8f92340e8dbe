#!/usr/bin/env python3
"""Notification benchmark: how long from a job's exit to a subscriber
printing it, and how many events per second reach a subscriber.

Everything is real: a daemon on a temporary socket, `launch subscribe
--serve --json` receivers on loopback, `sleep` jobs killed by this script.

Latency: for each sample, a job `sleep 1000` is killed with SIGKILL and the
clock runs until every receiver has printed the exit event (read from its
stdout pipe).  The reference, measured in the same run, is the floor for
noticing an exit at all: this script killing a `sleep` child of its own and
returning from waitpid(2).  Reported: p50 and p99 for 1 and for N
subscribers, and the ratios to the floor.

Throughput: a receiver is registered, then stopped (SIGSTOP) so that it
neither reads nor acks; E exit events queue up; it is continued, and the
clock runs until it has printed all E.  Reported: events per second.

Usage: bench/notify.py [--launch PATH] [--samples N] [--subscribers N]
                       [--events E]
"""

import argparse
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Env:
    def __init__(self, launch):
        self.launch = launch
        self.dir = tempfile.mkdtemp(prefix="launch-bench.")
        self.env = dict(os.environ)
        self.env["LAUNCH_SOCKET"] = os.path.join(self.dir, "sock")
        self.env["LAUNCH_STATE_DIR"] = os.path.join(self.dir, "state")
        self.daemon = subprocess.Popen([launch, "serve"], env=self.env,
                                       stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while self.run("ping", check=False).returncode != 0:
            if time.monotonic() > deadline:
                sys.exit("bench: the daemon did not start")
            time.sleep(0.01)
        self.receivers = []

    def run(self, *args, check=True):
        return subprocess.run([self.launch, *args], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, check=check)

    def receiver(self, glob):
        p = subprocess.Popen([self.launch, "subscribe", "--serve", "--json",
                              "-a", "127.0.0.1:0", "--events", "failures",
                              "-f", glob], env=self.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = p.stderr.readline().decode()
        if not re.match(r"launch: listening on ", line):
            sys.exit("bench: receiver did not start: %r" % line)
        os.set_blocking(p.stdout.fileno(), False)
        p.buf = b""
        self.receivers.append(p)
        return p

    def close(self):
        for p in self.receivers:
            p.send_signal(signal.SIGCONT)
            p.terminate()
        for p in self.receivers:
            p.wait()
        self.run("shutdown", "-t", "2000", check=False)
        self.daemon.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_lines(receivers, want, timeout=30):
    """Wait until each receiver has printed a line with label want; the
    time each one was seen at."""
    sel = selectors.DefaultSelector()
    pending = set()
    times = []
    for p in receivers:
        if seen(p, want):
            times.append(time.perf_counter())
        else:
            sel.register(p.stdout, selectors.EVENT_READ, p)
            pending.add(p)
    deadline = time.monotonic() + timeout
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            sys.exit("bench: no event for %s" % want)
        for key, _ in sel.select(left):
            p = key.data
            data = p.stdout.read()
            if data:
                p.buf += data
            if seen(p, want):
                times.append(time.perf_counter())
                sel.unregister(p.stdout)
                pending.discard(p)
    sel.close()
    return times


def seen(p, label):
    """Consume p's complete lines up to the one about label."""
    while b"\n" in p.buf:
        line, p.buf = p.buf.split(b"\n", 1)
        if json.loads(line).get("label") == label:
            return True
    return False


def floor_latency(samples):
    out = []
    for _ in range(samples):
        child = subprocess.Popen(["sleep", "1000"])
        t0 = time.perf_counter()
        os.kill(child.pid, signal.SIGKILL)
        os.waitpid(child.pid, 0)
        out.append(time.perf_counter() - t0)
        child.returncode = -9
    return out


RELAY = r"""
import os, sys
r, w = int(sys.argv[1]), int(sys.argv[2])
while True:
    d = os.read(r, 64)
    if not d:
        break
    os.write(w, d)
"""

PARENT = r"""
import os, subprocess, sys
out, ctl = int(sys.argv[1]), int(sys.argv[2])
while os.read(ctl, 1):
    child = subprocess.Popen(["sleep", "1000"])
    os.write(out, b"%d\n" % child.pid)
    os.waitpid(child.pid, 0)
    child.returncode = -9
    os.write(out, b"x")
"""


def relay_latency(samples):
    """The same hops as launch's path, with nothing done at each: the
    job's parent reaps it and writes a byte, two relays pass it on (as
    the daemon and the subscriber would), and we read it."""
    ctl_r, ctl_w = os.pipe()
    a_r, a_w = os.pipe()
    b_r, b_w = os.pipe()
    c_r, c_w = os.pipe()
    procs = [
        subprocess.Popen([sys.executable, "-c", PARENT, str(a_w),
                          str(ctl_r)], pass_fds=(a_w, ctl_r)),
        subprocess.Popen([sys.executable, "-c", RELAY, str(a_r), str(b_w)],
                         pass_fds=(a_r, b_w)),
        subprocess.Popen([sys.executable, "-c", RELAY, str(b_r), str(c_w)],
                         pass_fds=(b_r, c_w)),
    ]
    out = []
    for _ in range(samples):
        os.write(ctl_w, b"g")
        # The relays pass every byte on: the pid line comes first.
        line = b""
        while not line.endswith(b"\n"):
            line += os.read(c_r, 64)
        pid = int(line)
        t0 = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        os.read(c_r, 1)
        out.append(time.perf_counter() - t0)
    os.close(ctl_w)
    for fd in (a_w, b_w, c_w):
        os.close(fd)
    for p in procs:
        p.kill()
        p.wait()
    for fd in (ctl_r, a_r, b_r, c_r):
        os.close(fd)
    return out


def launch_latency(env, receivers, samples, tag):
    out, each = [], []
    for i in range(samples):
        label = "%s%d" % (tag, i)
        env.run("submit", "-l", label, "--", "sleep", "1000")
        pid = json.loads(env.run("status", "--json", label).stdout)[0]["pid"]
        t0 = time.perf_counter()
        os.kill(pid, signal.SIGKILL)
        times = wait_lines(receivers, label)
        out.append(max(times) - t0)
        each.extend(t - t0 for t in times)
        env.run("remove", label)
    return out, each


def throughput(env, events):
    r = env.receiver("t*")
    deadline = time.monotonic() + 10
    while not [s for s in json.loads(env.run("subscriptions",
               "--json").stdout) if s["match"] == ["t*"] and
               s["state"] == "connected"]:
        if time.monotonic() > deadline:
            sys.exit("bench: the receiver did not get connected")
        time.sleep(0.01)
    r.send_signal(signal.SIGSTOP)
    # Exit events, as fast as jobs can be started: true exits at once.
    specs = [{"label": "t%d" % i, "argv": ["false"]} for i in range(events)]
    path = os.path.join(env.dir, "jobs.json")
    with open(path, "w") as f:
        json.dump(specs, f)
    env.run("submit", "-f", path)
    deadline = time.monotonic() + 60
    while True:
        subs = json.loads(env.run("subscriptions", "--json").stdout)
        queued = [s["queued"] for s in subs if s["match"] == ["t*"]][0]
        if queued >= events:
            break
        if time.monotonic() > deadline:
            sys.exit("bench: only %d of %d events queued" % (queued, events))
        time.sleep(0.05)
    t0 = time.perf_counter()
    r.send_signal(signal.SIGCONT)
    wait_lines([r], "t%d" % (events - 1), timeout=120)
    return events / (time.perf_counter() - t0)


def report(name, lat, floor_p50):
    p50, p99 = pct(lat, 50) * 1e3, pct(lat, 99) * 1e3
    print("%-34s p50 %7.3f ms  p99 %7.3f ms  (p50 %5.1fx the floor)"
          % (name, p50, p99, p50 / (floor_p50 * 1e3)))
    return p50, p99


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--launch", default=os.environ.get("LAUNCH_BIN",
                                                       "./launch"))
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--subscribers", type=int, default=100)
    ap.add_argument("--events", type=int, default=1000)
    a = ap.parse_args()

    env = Env(os.path.abspath(a.launch))
    try:
        floor = floor_latency(a.samples)
        fp50 = pct(floor, 50)
        print("%-34s p50 %7.3f ms  p99 %7.3f ms" % (
            "floor (kill + waitpid, no daemon)", fp50 * 1e3,
            pct(floor, 99) * 1e3))
        relay = relay_latency(a.samples)
        report("floor: 4 processes relaying a byte", relay, fp50)
        one = [env.receiver("a*")]
        report("launch, 1 subscriber",
               launch_latency(env, one, a.samples, "a")[0], fp50)
        many = [env.receiver("b*") for _ in range(a.subscribers)]
        last, each = launch_latency(env, many, a.samples, "b")
        report("launch, %d subscribers (each)" % a.subscribers, each, fp50)
        report("launch, %d subscribers (last)" % a.subscribers, last, fp50)
        rate = throughput(env, a.events)
        print("%-34s %7.0f events/s (%d queued events drained)"
              % ("launch, sustained delivery", rate, a.events))
    finally:
        env.close()


if __name__ == "__main__":
    main()
