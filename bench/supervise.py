#!/usr/bin/env python3
"""Supervision benchmark (issue 7): launch holding N jobs, next to a floor
and to supervisord and s6 doing the same things in the same run.

Everything is real: a `launch serve` on a temporary socket and state
directory, `sleep` jobs, supervisord and s6-svscan from their Debian
packages, each in its own temporary directory.  Every job is
`sleep MARK`, MARK a number of seconds (over 11 days) drawn for each
system in each run, so that this script finds exactly its own processes
in /proc and nobody else's.  "Running" always means that the sleep has
exec'd: its /proc/PID/cmdline is `sleep MARK` (before the exec it is
its parent's).  Every figure is checked that way (all N present after a
start, all N gone after a stop) so that a failure is never timed as a
result.  Nothing is asserted against the targets: they are printed, met
or missed.

The systems:
  launch       `launch serve`; jobs `sleep MARK` (argv; the client's PATH
               /usr/local/bin:/usr/bin:/bin), default logging (the shim
               copies stdout/stderr into rotated files).  Each job is a
               shim process (`launch shim`) and its child.
  floor        bench/floor (C): fork + execv(/usr/bin/sleep MARK) N times,
               a close-on-exec pipe per child says its exec is done; stop:
               kill(SIGTERM) each, then waitpid each.  No state, no logs.
  floor+shim   the same, each child first exec'ing a minimal C shim that
               forks and execs sleep, reports, forwards SIGTERM and reaps:
               one more fork, exec and process per job, as in launch.
  supervisord  `supervisord -n` with N [program:sN] sections (command
               `sleep MARK`, autostart=false, startsecs=0, autorestart=
               false, default AUTO log capture), its own unix socket;
               driven by `supervisorctl`.  Direct fork/exec, no shim.
  s6           `s6-svscan` on a scan directory of N service directories,
               each `run` being `#!/bin/sh` + `exec sleep MARK` and a
               `down` file so nothing starts until told: one
               s6-supervise per service (s6's shim), one sh exec per start.
               Start all / stop all: the byte `u` / `d` written to each
               service's supervise/control FIFO (what `s6-svc -u` /
               `s6-svc -d` write; s6 has no "all" command), then this
               script watches /proc until all N have exec'd / are gone
               (`s6-svwait -a` on N services is not used: its N
               subscriptions alone take about 0.45 s per 600, and at
               N = 10000 it ran out of files).
               (`s6-svscan -c N+10`: it takes 500 services by default.)

The rows (N jobs; "ratio" is launch / the reference):
  1. start N: launch: `launch submit -f FILE` (N specs) until it returns
     (it returns when every job has exec'd); supervisord: `supervisorctl
     start all` until it returns; s6: the N control writes; then all N
     sleeps are checked in /proc (if some are missing the clock runs on,
     looking every 5 ms, until they are there: only s6 needs that).
  2. one call per job: launch: N separate `launch submit -l pI -- sleep
     MARK` (each waits for its job's exec); floor: N spawns of
     /bin/true from this script (subprocess.run: what any command costs
     here); supervisord: `supervisorctl start sI` of an already
     configured program (--ctl-samples calls); s6: `s6-svc -u DIR` of an
     already supervised service, N calls.  Median and p99 per call.
  3. status of N: `launch list --json` (checked: N jobs, all running);
     `supervisorctl status` (N lines RUNNING); s6: `s6-svstat DIR` for
     each of the N, one after another (s6 has no status of all).
     Median of --list-samples runs (s6: one round).
  4. stop N until all have exited and been reaped: `launch stop '*'`;
     floor: kill + waitpid; `supervisorctl stop all`; s6: N control
     writes `d`.  Then the N are checked gone (reaped), as above.
  5. memory with N running: the supervisor's own VmRSS (launch daemon,
     supervisord, s6-svscan, the floor process) and its growth per job
     from before the start (launch: the daemon just started; the
     references: configured, nothing running); per job: the PSS
     (smaps_rollup) of the job's supervising process (launch's shim,
     s6-supervise, the floor's minimal shim; none for supervisord and
     the floor) and of the sleep itself.  Overhead per job, the figure
     the target is about: supervising process PSS + the supervisor's
     growth per job.
  6. idle wakeups: context switches (voluntary + involuntary, all
     threads, /proc/PID/task/*/status) over --idle seconds with N jobs
     running and no client: the supervisor itself, then its per-job
     processes summed (shims, s6-supervise).
  7. notification latency (launch only; from bench/notify.py): SIGKILL
     of a job to a `launch subscribe --serve` receiver printing it, p50
     and p99 of --notify-samples; the floor is this script's own kill +
     waitpid of a child.

Skips: a reference that is not installed is left out with how to install
it (contrib/install-deps installs both); N that the machine cannot hold
(pid_max, open files) is refused with the reason.

Usage: bench/supervise.py [--launch PATH] [--floor PATH] [--n N]
                          [--only SYSTEMS] [--idle SECS]
                          [--list-samples K] [--ctl-samples K]
                          [--notify-samples K] [--floor-runs K]
"""

import argparse
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True	# no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notify  # noqa: E402  (bench/notify.py: the latency measurement)

PATH = "/usr/local/bin:/usr/bin:/bin"
SLEEP = shutil.which("sleep", path=PATH) or "/bin/sleep"
SYSTEMS = ("launch", "floor", "supervisord", "s6")


def pct(values, p):
    return notify.pct(values, p)


def median(values):
    return pct(values, 50)


class Failed(Exception):
    pass


def fail(msg):
    raise Failed(msg)


# ---- /proc ----

def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def status_field(pid, name):
    """A number from /proc/PID/status (kB for sizes), or None."""
    text = read("/proc/%d/status" % pid)
    for line in (text or "").splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return None


def pss_kb(pid):
    text = read("/proc/%d/smaps_rollup" % pid)
    for line in (text or "").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return None


def stat_fields(pid):
    """(ppid, starttime) from /proc/PID/stat, or None when gone."""
    text = read("/proc/%d/stat" % pid)
    if text is None:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[1]), int(rest[19])


def ctx_switches(pid):
    """Voluntary + involuntary context switches of all of pid's threads."""
    total = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        text = read("/proc/%d/task/%s/status" % (pid, tid)) or ""
        for line in text.splitlines():
            if line.startswith(("voluntary_ctxt_switches:",
                                "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


def sleeps(mark):
    """{pid: starttime} of the processes whose command line is `sleep
    MARK` (any path to sleep): exec'd ones only."""
    want = mark.encode()
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        cl = read("/proc/%s/cmdline" % name, "rb")
        if not cl:
            continue
        argv = cl.split(b"\0")
        if len(argv) >= 2 and argv[1] == want and \
                os.path.basename(argv[0]) == b"sleep":
            st = stat_fields(int(name))
            if st is not None:
                found[int(name)] = st[1]
    return found


def wait_running(mark, n, t0, t_done, timeout=120):
    """Check that n sleeps MARK have exec'd; the time from t0 at which
    that was known: t_done if they all were there at the first look,
    else when a later look found them.  Returns (seconds, {pid: start})."""
    deadline = time.monotonic() + timeout
    t = t_done
    while True:
        found = sleeps(mark)
        if len(found) >= n:
            if len(found) > n:
                fail("%d processes `sleep %s`, expected %d" %
                     (len(found), mark, n))
            return t - t0, found
        if time.monotonic() > deadline:
            fail("only %d of %d `sleep %s` running after %ds" %
                 (len(found), n, mark, timeout))
        time.sleep(0.005)
        t = time.monotonic()


def alive(procs):
    """The pids of procs ({pid: starttime}) that still exist (a zombie
    exists: it has not been reaped)."""
    left = []
    for pid, start in procs.items():
        st = stat_fields(pid)
        if st is not None and st[1] == start:
            left.append(pid)
    return left


def wait_gone(procs, t0, t_done, timeout=120):
    deadline = time.monotonic() + timeout
    t = t_done
    while True:
        left = alive(procs)
        if not left:
            return t - t0
        if time.monotonic() > deadline:
            fail("%d of %d jobs still there after %ds (e.g. pid %d)" %
                 (len(left), len(procs), timeout, left[0]))
        time.sleep(0.005)
        t = time.monotonic()


def per_job_memory(procs, central):
    """PSS in kB, summed over the jobs: (supervising processes, sleeps).
    A sleep whose parent is the central process has no supervising
    process of its own."""
    sup, child, parents = 0, 0, set()
    for pid in procs:
        st = stat_fields(pid)
        if st is None:
            fail("job %d vanished while measuring memory" % pid)
        child += pss_kb(pid) or 0
        if st[0] != central:
            parents.add(st[0])
    for ppid in parents:
        sup += pss_kb(ppid) or 0
    return sup, child, sorted(parents)


def idle_wakeups(groups, secs):
    """Context switches over the same secs of each group of pids: a
    list of totals, one per group."""
    before = [[ctx_switches(p) for p in g] for g in groups]
    time.sleep(secs)
    after = [[ctx_switches(p) for p in g] for g in groups]
    totals = []
    for bg, ag in zip(before, after):
        if None in bg or None in ag:
            fail("a process vanished while measuring idle wakeups")
        totals.append(sum(ag) - sum(bg))
    return totals


def children_of(ppid):
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = stat_fields(int(name))
            if st is not None and st[0] == ppid:
                out.append(int(name))
    return out


def timed(argv, check=True, **kw):
    t0 = time.monotonic()
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    dt = time.monotonic() - t0
    if check and r.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(argv[:4]), r.returncode,
                                   r.stderr.strip()[-500:]))
    return dt, r


def draw_mark(marks):
    """A new MARK for `sleep MARK` jobs, added to marks (what the cleanup
    looks for)."""
    while True:
        m = str(random.randint(1000000, 9999999))
        if m not in marks:
            marks.append(m)
            return m


def kill_leftovers(marks):
    """Anything of ours still running (an interrupted run): by pid."""
    for mark in marks:
        for pid in sleeps(mark):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def stop_process(p, sig=signal.SIGTERM, timeout=30):
    if p is None or p.poll() is not None:
        return
    p.send_signal(sig)
    try:
        p.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


class Result:
    """What one system measured; None: not measured."""

    def __init__(self, name):
        self.name = name
        self.start = self.stop = None
        self.call = []
        self.call_what = None
        self.status = []
        self.rss0 = self.rss = None
        self.sup_pss = self.child_pss = None
        self.idle = self.idle_jobs = None
        self.notify = None
        self.notes = []
        self.fs = None
        self.start_tmpfs = self.stop_tmpfs = None
        self.version = self.ping = None
        self.table = []


# ---- launch ----

class Launch:
    def __init__(self, launch, top, name="launch", state=None):
        self.launch = launch
        self.dir = os.path.join(top, name)
        os.mkdir(self.dir)
        self.state = state or os.path.join(self.dir, "state")
        self.env = dict(os.environ, PATH=PATH,
                        LAUNCH_SOCKET=os.path.join(self.dir, "sock"),
                        LAUNCH_STATE_DIR=self.state)
        for v in ("LAUNCH_HOST", "LAUNCH_REMOTE"):
            self.env.pop(v, None)
        self.log = open(os.path.join(self.dir, "daemon.log"), "w")
        self.daemon = subprocess.Popen([launch, "serve"], env=self.env,
                                       stdout=self.log, stderr=self.log,
                                       cwd=self.dir)
        deadline = time.monotonic() + 10
        while self.run("ping", check=False).returncode != 0:
            if self.daemon.poll() is not None or \
                    time.monotonic() > deadline:
                fail("the launch daemon did not start")
            time.sleep(0.01)

    def run(self, *args, check=True):
        r = subprocess.run([self.launch, *args], env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=self.dir)
        if check and r.returncode != 0:
            fail("launch %s exited %d: %s" % (" ".join(args[:3]),
                                               r.returncode, r.stderr))
        return r

    def timed(self, *args):
        return timed([self.launch, *args], env=self.env, cwd=self.dir)

    def close(self):
        if self.daemon.poll() is None:
            try:
                self.run("shutdown", "-t", "2000", check=False)
                self.daemon.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                stop_process(self.daemon)
        self.log.close()


def bench_launch(a, top, marks):
    r = Result("launch")
    mark = draw_mark(marks)
    n = a.n
    L = Launch(a.launch, top)
    r.fs = fs_of(L.state)
    try:
        pid = L.daemon.pid
        r.rss0 = status_field(pid, "VmRSS")
        jobfile = os.path.join(L.dir, "jobs.json")
        with open(jobfile, "w") as f:
            json.dump([{"label": "s%d" % i, "argv": ["sleep", mark]}
                       for i in range(n)], f)

        # 1. start N from one job file.
        t0 = time.monotonic()
        L.timed("submit", "-f", jobfile)
        r.start, procs = wait_running(mark, n, t0, time.monotonic())

        # 5. memory.
        r.rss = status_field(pid, "VmRSS")
        r.sup_pss, r.child_pss, shims = per_job_memory(procs, pid)
        if len(shims) != n:
            r.notes.append("%d shims for %d jobs" % (len(shims), n))

        # 6. idle.
        r.idle, r.idle_jobs = idle_wakeups([[pid], shims], a.idle)

        # 3. list --json, and the table.
        for _ in range(a.list_samples):
            dt, out = L.timed("list", "--json")
            jobs = json.loads(out.stdout)
            if len(jobs) != n or any(j["state"] != "running"
                                     for j in jobs):
                fail("launch list --json: %d jobs, not %d running" %
                     (len(jobs), n))
            r.status.append(dt)
        for _ in range(a.list_samples):
            dt, out = L.timed("list")
            if out.stdout.count("\n") != n + 1:
                fail("launch list: %d lines, not %d" %
                     (out.stdout.count("\n"), n + 1))
            r.table.append(dt)

        # 4. stop all.
        t0 = time.monotonic()
        L.timed("stop", "*")
        r.stop = wait_gone(procs, t0, time.monotonic())
        L.run("remove", "*")

        # What every call pays before the daemon does anything: the
        # client's start alone, and with a round trip.
        r.version = [L.timed("version")[0] for _ in range(a.list_samples)]
        r.ping = [L.timed("ping")[0] for _ in range(a.list_samples)]

        # 2. one submit per job.
        mark2 = draw_mark(marks)
        for i in range(n):
            dt, _ = L.timed("submit", "-l", "p%d" % i, "--", "sleep", mark2)
            r.call.append(dt)
        wait_running(mark2, n, 0, 0)
        L.run("stop", "*")
    finally:
        L.close()
    return r


def bench_launch_tmpfs(a, top, marks, r):
    """Start and stop again, the state directory on tmpfs: what of rows
    1 and 4 is the file system's."""
    shm = "/dev/shm"
    if fs_of(shm)[0] != "tmpfs":
        r.notes.append("no tmpfs at %s: the tmpfs rows are left out" % shm)
        return
    state = tempfile.mkdtemp(prefix="launch-bench-state.", dir=shm)
    mark = draw_mark(marks)
    L = Launch(a.launch, top, "launch-tmpfs", state)
    try:
        jobfile = os.path.join(L.dir, "jobs.json")
        with open(jobfile, "w") as f:
            json.dump([{"label": "s%d" % i, "argv": ["sleep", mark]}
                       for i in range(a.n)], f)
        t0 = time.monotonic()
        L.timed("submit", "-f", jobfile)
        r.start_tmpfs, procs = wait_running(mark, a.n, t0, time.monotonic())
        t0 = time.monotonic()
        L.timed("stop", "*")
        r.stop_tmpfs = wait_gone(procs, t0, time.monotonic())
    finally:
        L.close()
        shutil.rmtree(state, ignore_errors=True)


def fs_of(path):
    """(type, note) of the file system holding path: for ext4, whether
    it has a journal (/sys/fs/ext4/DEV/journal_task is <none> without)."""
    path = os.path.realpath(path)
    best, fstype, dev = "", "?", ""
    for line in (read("/proc/self/mounts") or "").splitlines():
        f = line.split()
        mnt = f[1].replace("\\040", " ")
        if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and \
                len(mnt) >= len(best):
            best, fstype, dev = mnt, f[2], f[0]
    note = ""
    if fstype == "ext4":
        task = read("/sys/fs/ext4/%s/journal_task" % os.path.basename(dev))
        if task is not None:
            note = "no journal" if task.strip() == "<none>" else "journal"
    return fstype, note


def bench_notify(a, r):
    """notify.py's measurement; it exits on failure, which here is a
    note on launch's column."""
    try:
        env = notify.Env(a.launch)
        try:
            floor = notify.floor_latency(a.notify_samples)
            rcv = [env.receiver("a*")]
            lat, _ = notify.launch_latency(env, rcv, a.notify_samples, "a")
        finally:
            env.close()
    except SystemExit as e:
        r.notes.append("notification latency not measured: %s" % e)
        return None
    r.notify = lat
    return floor


# ---- floor ----

def bench_floor(a, shim, marks):
    r = Result("floor+shim" if shim else "floor")
    starts, stops = [], []
    for run in range(a.floor_runs):
        mark = draw_mark(marks)
        argv = [a.floor, "--hold"] + (["--shim"] if shim else []) + \
            [str(a.n), SLEEP, mark]
        p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        try:
            first = json.loads(p.stdout.readline() or "null")
            if not first or first.get("n") != a.n:
                fail("%s did not start its %d children" % (argv[0], a.n))
            _, procs = wait_running(mark, a.n, 0, 0)
            if run == 0:
                r.rss = status_field(p.pid, "VmRSS")
                r.sup_pss, r.child_pss, shims = per_job_memory(procs,
                                                               p.pid)
                r.idle, r.idle_jobs = idle_wakeups([[p.pid], shims],
                                                   a.idle)
            p.stdin.write("\n")
            p.stdin.flush()
            second = json.loads(p.stdout.readline() or "null")
            if not second:
                fail("%s did not stop its children" % argv[0])
            if alive(procs):
                fail("%s left children running" % argv[0])
            starts.append(first["start_s"])
            stops.append(second["stop_s"])
        finally:
            stop_process(p, signal.SIGKILL)
    r.start, r.stop = median(starts), median(stops)
    return r


def spawn_floor(n):
    out = []
    for _ in range(n):
        t0 = time.monotonic()
        subprocess.run(["/bin/true"])
        out.append(time.monotonic() - t0)
    return out


# ---- supervisord ----

SUPERVISORD_CONF = """\
; launch bench: supervisord with {n} programs, none started
[unix_http_server]
file={dir}/supervisor.sock
chmod=0700

[supervisord]
nodaemon=true
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}/logs
minfds={minfds}
minprocs=200

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
"""

SUPERVISORD_PROGRAM = """
[program:s{i}]
command=sleep {mark}
autostart=false
autorestart=false
startsecs=0
"""


def bench_supervisord(a, top, marks):
    r = Result("supervisord")
    mark = draw_mark(marks)
    n = a.n
    d = os.path.join(top, "supervisord")
    os.makedirs(os.path.join(d, "logs"))
    conf = os.path.join(d, "supervisord.conf")
    with open(conf, "w") as f:
        f.write(SUPERVISORD_CONF.format(n=n, dir=d,
                                        minfds=SUPERVISORD_FDS * n + 256))
        for i in range(n):
            f.write(SUPERVISORD_PROGRAM.format(i=i, mark=mark))
    env = dict(os.environ, PATH=PATH)
    ctl = ["supervisorctl", "-c", conf]
    log = open(os.path.join(d, "stderr.log"), "w")
    p = subprocess.Popen(["supervisord", "-n", "-c", conf], env=env,
                         stdout=log, stderr=log, cwd=d)
    try:
        deadline = time.monotonic() + 60
        while timed(ctl + ["pid"], check=False)[1].stdout.strip() != \
                str(p.pid):
            if p.poll() is not None or time.monotonic() > deadline:
                fail("supervisord did not start: see %s" % log.name)
            time.sleep(0.05)
        r.rss0 = status_field(p.pid, "VmRSS")

        t0 = time.monotonic()
        timed(ctl + ["start", "all"], env=env)
        r.start, procs = wait_running(mark, n, t0, time.monotonic())

        r.rss = status_field(p.pid, "VmRSS")
        r.sup_pss, r.child_pss, _ = per_job_memory(procs, p.pid)
        r.idle, = idle_wakeups([[p.pid]], a.idle)

        for _ in range(max(1, a.list_samples // 4)):
            dt, out = timed(ctl + ["status"], check=False, env=env)
            lines = out.stdout.splitlines()
            if len([x for x in lines if " RUNNING " in x]) != n:
                fail("supervisorctl status: not %d RUNNING lines" % n)
            r.status.append(dt)

        t0 = time.monotonic()
        timed(ctl + ["stop", "all"], env=env)
        r.stop = wait_gone(procs, t0, time.monotonic())

        # One call: start one configured program, ctl-samples times.
        k = min(n, a.ctl_samples)
        for i in range(k):
            dt, _ = timed(ctl + ["start", "s%d" % i], env=env)
            r.call.append(dt)
        wait_running(mark, k, 0, 0)
        timed(ctl + ["stop", "all"], env=env)
    finally:
        stop_process(p)
        log.close()
    return r


# ---- s6 ----

def s6_control(dirs, byte):
    """What s6-svc writes: one byte into each supervise/control FIFO."""
    for d in dirs:
        fd = os.open(os.path.join(d, "supervise", "control"),
                     os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, byte)
        finally:
            os.close(fd)


def s6_ready(d):
    try:
        os.close(os.open(os.path.join(d, "supervise", "control"),
                         os.O_WRONLY | os.O_NONBLOCK))
        return True
    except OSError:
        return False


def bench_s6(a, top, marks):
    r = Result("s6")
    mark = draw_mark(marks)
    n = a.n
    scan = os.path.join(top, "s6")
    os.mkdir(scan)
    dirs = [os.path.join(scan, "s%d" % i) for i in range(n)]
    for d in dirs:
        os.mkdir(d)
        with open(os.path.join(d, "run"), "w") as f:
            f.write("#!/bin/sh\nexec sleep %s\n" % mark)
        os.chmod(os.path.join(d, "run"), 0o755)
        open(os.path.join(d, "down"), "w").close()
    env = dict(os.environ, PATH=PATH)
    # -c: s6-svscan supervises at most 500 services unless told.
    p = subprocess.Popen(["s6-svscan", "-c", str(n + 10), scan], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    supervise = []
    try:
        deadline = time.monotonic() + 120
        pending = list(dirs)
        while pending:
            pending = [d for d in pending if not s6_ready(d)]
            if p.poll() is not None or time.monotonic() > deadline:
                fail("s6-svscan brought up %d s6-supervise of %d" %
                     (n - len(pending), n))
            time.sleep(0.01)
        supervise = children_of(p.pid)
        if len(supervise) != n:
            fail("s6-svscan has %d children, not %d s6-supervise" %
                 (len(supervise), n))
        r.rss0 = status_field(p.pid, "VmRSS")

        t0 = time.monotonic()
        s6_control(dirs, b"u")
        r.start, procs = wait_running(mark, n, t0, time.monotonic())

        r.rss = status_field(p.pid, "VmRSS")
        r.sup_pss, r.child_pss, parents = per_job_memory(procs, p.pid)
        if sorted(parents) != sorted(supervise):
            fail("the sleeps' parents are not the %d s6-supervise" % n)
        r.idle, r.idle_jobs = idle_wakeups([[p.pid], supervise], a.idle)

        t0 = time.monotonic()
        for d in dirs:
            _, out = timed(["s6-svstat", d], env=env)
            if not out.stdout.startswith("up "):
                fail("s6-svstat %s: %s" % (d, out.stdout.strip()))
        r.status.append(time.monotonic() - t0)

        t0 = time.monotonic()
        s6_control(dirs, b"d")
        r.stop = wait_gone(procs, t0, time.monotonic())

        for d in dirs:
            dt, _ = timed(["s6-svc", "-u", d], env=env)
            r.call.append(dt)
        _, procs = wait_running(mark, n, 0, 0)
        s6_control(dirs, b"d")
        wait_gone(procs, 0, 0)
    finally:
        # SIGTERM: s6-svscan brings every service down and its
        # s6-supervise exit; then it exits.
        stop_process(p)
        deadline = time.monotonic() + 30
        while [s for s in supervise if stat_fields(s) is not None] and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        for s in supervise:
            try:
                os.kill(s, signal.SIGKILL)
            except OSError:
                pass
    return r


# ---- the table ----

def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "s":
        return "%.3f" % v
    if unit == "ms":
        return "%.2f" % (v * 1e3) if v < 0.1 else "%.0f" % (v * 1e3)
    if unit == "MiB":
        return "%.1f" % (v / 1024.0)
    if unit == "KiB":
        return "%.0f" % v
    if unit == "x":
        return "%.2f" % v
    return "%d" % v


def ratio(x, y):
    if x is None or y is None or y == 0:
        return "-"
    return "%.1fx" % (x / y)


def verdict(v, limit, unit_fmt):
    """met, or MISSED with how far: unit_fmt(v, limit) says it."""
    if v is None:
        return "-"
    if v <= limit:
        return "met"
    return "MISSED: %s" % unit_fmt(v, limit)


def table(a, res, spawn, notify_floor):
    L = res.get("launch")
    F = res.get("floor")
    FS = res.get("floor+shim")
    S = res.get("supervisord")
    X = res.get("s6")
    cols = [L, F, FS, S, X]
    n = a.n

    def val(r, attr):
        return getattr(r, attr) if r is not None else None

    def per_job(r, part):
        if r is None or getattr(r, part) is None:
            return None
        return getattr(r, part) / float(n)

    def growth(r):
        if r is None or r.rss is None or r.rss0 is None:
            return None
        return max(0, r.rss - r.rss0) / float(n)

    def overhead(r):
        if r is None or r.sup_pss is None:
            return None
        return r.sup_pss / float(n) + (growth(r) or 0)

    rows = []

    def row(name, unit, values, target="", met="", ratios=True):
        cells = [fmt(v, unit) for v in values]
        lv = values[0]
        rs = [ratio(lv, values[i]) if ratios else "-" for i in (1, 3, 4)]
        rows.append([name, unit] + cells + rs + [target, met])

    def against_floor(name, attr, limit, floor="floor"):
        """A row of seconds whose target is limit x the floor (or the
        floor+shim) and faster than s6, and launch's figure with its
        state directory on tmpfs under it (target: within 1.3x)."""
        values = [val(r, attr) for r in cols]
        lv = values[0]
        fv = values[1] if floor == "floor" else values[2]
        sv = values[4]
        worst = None
        if lv and fv:
            worst = max(lv / fv / limit, lv / sv if sv else 0)
        row(name, "s", values, "<= %gx %s, < s6" % (limit, floor),
            verdict(worst, 1.0, lambda v, lim: "%.2fx the %s, %.2fx s6" %
                    (lv / fv, floor, lv / sv if sv else 0)))
        tmpfs = val(L, attr + "_tmpfs")
        if tmpfs is not None:
            row("   launch, state directory on tmpfs", "s",
                [tmpfs, values[1], None, None, None],
                "disk <= 1.3x tmpfs",
                verdict(lv / tmpfs if lv else None, 1.3,
                        lambda v, lim: "disk %.2fx tmpfs" % v))

    against_floor("1. start N (job file) until all exec'd", "start", 1.5)
    call = [median(r.call) if r and r.call else None for r in cols]
    call[1] = median(spawn) if spawn else None
    call[2] = None
    s6call = call[4]
    row("2. one submit per call, median", "ms", call,
        "<= 2 ms, 1.3x s6",
        verdict(max(call[0] / 0.002, call[0] / (1.3 * s6call)
                    if s6call else 0) if call[0] else None, 1.0,
                lambda v, lim: "%.1f ms (%.2fx s6-svc)" %
                (call[0] * 1e3, call[0] / s6call if s6call else 0)))
    call99 = [pct(r.call, 99) if r and r.call else None for r in cols]
    call99[1] = pct(spawn, 99) if spawn else None
    call99[2] = None
    row("   one submit per call, p99", "ms", call99, "<= 4 ms",
        verdict(call99[0], 0.004, lambda v, lim: "%.1f ms" % (v * 1e3)))
    if L is not None and L.call:
        tenth = max(1, len(L.call) // 10)
        first, last = median(L.call[:tenth]), median(L.call[-tenth:])
        row("   median of the last 10% / the first", "x",
            [last / first, None, None, None, None], "<= 1.2x",
            verdict(last / first, 1.2, lambda v, lim: "%.2fx" % v),
            ratios=False)
    if L is not None and L.version:
        row("   launch version (vs /bin/true)", "ms",
            [median(L.version), call[1], None, None, None], "<= 1.5x",
            verdict(median(L.version) / call[1] if call[1] else None, 1.5,
                    lambda v, lim: "%.2fx /bin/true" % v))
        row("   launch ping (start + a round trip)", "ms",
            [median(L.ping), call[1], None, None, None])
    st = [median(r.status) if r and r.status else None for r in cols]
    row("3. list --json / status of N, median", "ms", st, "<= 5 ms",
        verdict(st[0], 0.005 * (1 if n <= 1000 else 10),
                lambda v, lim: "%.1f ms (%.1fx the target)"
                % (v * 1e3, v / lim)))
    if L is not None and L.table:
        row("   launch list (the table), median", "ms",
            [median(L.table), None, None, None, None], "<= 10 ms",
            verdict(median(L.table), 0.010 * (1 if n <= 1000 else 10),
                    lambda v, lim: "%.1f ms (%.1fx the target)"
                    % (v * 1e3, v / lim)))
    against_floor("4. stop N until all reaped", "stop", 2, "floor+shim")
    rss0 = [val(r, "rss0") for r in cols]
    row("5. supervisor RSS idle (no job)", "MiB", rss0, "<= 2.5 MiB",
        verdict(rss0[0] / 1024.0 if rss0[0] else None, 2.5,
                lambda v, lim: "%.1f MiB (%.1fx the target)" %
                (v, v / lim)))
    rss = [val(r, "rss") for r in cols]
    row("   supervisor RSS with N running", "MiB", rss, "<= 4 MiB",
        verdict(rss[0] / 1024.0 if rss[0] else None, 4.0,
                lambda v, lim: "%.1f MiB (%.1fx the target)" %
                (v, v / lim)))
    row("   its growth per job (from 0 running)", "KiB",
        [growth(r) for r in cols])
    sup = [per_job(r, "sup_pss") for r in cols]
    row("   per job: supervising process PSS", "KiB", sup, "<= 100 KiB",
        verdict(sup[0], 100.0, lambda v, lim: "%.0f KiB" % v),
        ratios=False)
    row("   per job: the sleep's PSS", "KiB",
        [per_job(r, "child_pss") for r in cols])
    oh = [overhead(r) for r in cols]
    row("   per job overhead (process + growth)", "KiB", oh,
        "<= 150 KiB", verdict(oh[0], 150.0, lambda v, lim:
                              "%.0f KiB (%.2fx the target)" % (v, v / lim)))
    idle = [val(r, "idle") for r in cols]
    row("6. idle wakeups in %gs: supervisor" % a.idle, "n", idle,
        "0", verdict(idle[0], 0, lambda v, lim: "%d wakeups" % v),
        ratios=False)
    row("   idle wakeups: its per-job processes", "n",
        [val(r, "idle_jobs") for r in cols], ratios=False)
    if L is not None and L.notify:
        nf = [pct(L.notify, 50), pct(notify_floor, 50), None, None, None]
        row("7. notification latency, p50", "ms", nf)
        nf = [pct(L.notify, 99), pct(notify_floor, 99), None, None, None]
        row("   notification latency, p99", "ms", nf)

    head = ["N = %d" % n, "unit", "launch", "floor", "floor+shim",
            "supervisord", "s6", "l/floor", "l/superv", "l/s6",
            "target", "launch vs target"]
    widths = [max(len(str(x[i])) for x in rows + [head])
              for i in range(len(head))]
    for line in [head] + rows:
        out = [str(line[0]).ljust(widths[0]), str(line[1]).ljust(widths[1])]
        out += [str(c).rjust(widths[i]) for i, c in enumerate(line[2:-2], 2)]
        out += ["  " + str(line[-2]).ljust(widths[-2]), str(line[-1])]
        print(" ".join(out).rstrip())


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--launch", default=os.environ.get("LAUNCH_BIN",
                                                       "./launch"))
    ap.add_argument("--floor", default=os.path.join(here, "floor"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--only", default=",".join(SYSTEMS),
                    help="comma-separated: " + ",".join(SYSTEMS))
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--list-samples", type=int, default=20)
    ap.add_argument("--ctl-samples", type=int, default=50)
    ap.add_argument("--notify-samples", type=int, default=100)
    ap.add_argument("--floor-runs", type=int, default=3)
    a = ap.parse_args()
    a.launch = os.path.abspath(a.launch)
    a.floor = os.path.abspath(a.floor)
    only = set(a.only.split(","))
    if not only <= set(SYSTEMS) or a.n < 1 or a.list_samples < 1 or \
            a.ctl_samples < 1 or a.notify_samples < 1 or a.floor_runs < 1:
        ap.error("bad --only, --n or sample count")
    for what, path in (("launch", a.launch), ("floor", a.floor)):
        if what in only and not os.access(path, os.X_OK):
            sys.exit("bench/supervise.py: %s is not an executable (make "
                     "bench builds bench/floor)" % path)

    # Room for N jobs: each holds a pid or two, and some fds in its
    # supervisor (supervisord: 3 pipes per child).
    need_pids = 2 * a.n + 1000
    pid_max = int(read("/proc/sys/kernel/pid_max") or 32768)
    used = len([x for x in os.listdir("/proc") if x.isdigit()])
    if used + need_pids > pid_max:
        print("bench/supervise.py: skipped: N = %d needs about %d pids "
              "(a job and its shim), and kernel.pid_max is %d with %d in "
              "use (raise it: sysctl kernel.pid_max=4194304)" %
              (a.n, need_pids, pid_max, used))
        return
    # Open files: launch's daemon and the floor hold one per job, s6's
    # svwait (cleanup) one per service, supervisord five per running
    # program (3 pipes, 2 log files).  The children get the raised limit.
    fds = raise_nofile(SUPERVISORD_FDS * a.n + 1024)
    if fds < a.n + 1024:
        print("bench/supervise.py: skipped: N = %d needs at least %d open "
              "files and the limit is %d; raise `ulimit -Hn`" %
              (a.n, a.n + 1024, fds))
        return
    if "supervisord" in only and fds < SUPERVISORD_FDS * a.n + 256:
        print("bench/supervise.py: supervisord left out: it keeps %d "
              "files open per running program (%d for N = %d) and the "
              "open file limit is %d; raise `ulimit -Hn`" %
              (SUPERVISORD_FDS, SUPERVISORD_FDS * a.n + 256, a.n, fds))
        only.discard("supervisord")
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)
    if os.getuid() != 0 and nproc[0] != resource.RLIM_INFINITY and \
            nproc[0] < need_pids + used:
        try:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc[1], nproc[1]))
        except (ValueError, OSError):
            pass
        if resource.getrlimit(resource.RLIMIT_NPROC)[0] < need_pids:
            print("bench/supervise.py: skipped: N = %d needs about %d "
                  "processes and RLIMIT_NPROC is %d" %
                  (a.n, need_pids, nproc[0]))
            return

    missing = []
    if "supervisord" in only and (shutil.which("supervisord") is None or
                                  shutil.which("supervisorctl") is None):
        missing.append("supervisord")
    if "s6" in only and any(shutil.which(t) is None for t in
                            ("s6-svscan", "s6-svc",
                             "s6-svstat")):
        missing.append("s6")
    for m in missing:
        print("bench/supervise.py: %s is not installed; its column is "
              "left out (Debian: apt-get install %s, or "
              "contrib/install-deps)" % (m, "supervisor" if m ==
                                          "supervisord" else "s6"))
        only.discard(m)

    print("supervision: N = %d sleep jobs; %d cpus (nproc), %s %s; "
          "supervisord %s, s6 %s" % (
              a.n, len(os.sched_getaffinity(0)), os.uname().sysname,
              os.uname().release,
              version(["supervisord", "--version"]) if "supervisord" in
              only else "-", s6_version() if "s6" in only else "-"))
    # SIGTERM (or SIGHUP) unwinds like ^C, so that the cleanup below runs.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    top = tempfile.mkdtemp(prefix="launch-bench-supervise.")
    fstype, fsnote = fs_of(top)
    print("temporary directories (launch's state directory) in %s: %s%s"
          % (os.path.dirname(top), fstype, " (%s)" % fsnote if fsnote
             else ""))
    load0 = os.getloadavg()
    marks, res = [], {}
    spawn, notify_floor = None, None
    failed = []
    try:
        for name in SYSTEMS:
            if name not in only:
                continue
            # A system that fails loses its column, not the others'.
            try:
                if name == "floor":
                    res["floor"] = bench_floor(a, False, marks)
                    res["floor+shim"] = bench_floor(a, True, marks)
                    spawn = spawn_floor(a.n)
                elif name == "launch":
                    res["launch"] = bench_launch(a, top, marks)
                    bench_launch_tmpfs(a, top, marks, res["launch"])
                    notify_floor = bench_notify(a, res["launch"])
                elif name == "supervisord":
                    res["supervisord"] = bench_supervisord(a, top, marks)
                else:
                    res["s6"] = bench_s6(a, top, marks)
            except Failed as e:
                failed.append("%s: %s" % (name, e))
                res.pop(name, None)
                kill_leftovers(marks)
    finally:
        kill_leftovers(marks)
        shutil.rmtree(top, ignore_errors=True)
    load1 = os.getloadavg()
    table(a, res, spawn, notify_floor)
    print("ratios: launch / that column (below 1: launch is faster or "
          "smaller); load average before %.2f, after %.2f (other work on "
          "the machine shows here)" % (load0[0], load1[0]))
    for r in res.values():
        for note in r.notes:
            print("note: %s: %s" % (r.name, note))
    for f in failed:
        print("FAILED (column left out): %s" % f)
    if failed:
        sys.exit(1)


SUPERVISORD_FDS = 5


def raise_nofile(want):
    """Raise RLIMIT_NOFILE towards want (the hard limit too, if allowed:
    root with CAP_SYS_RESOURCE); the soft limit we end up with."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return want
        except (ValueError, OSError):
            pass
    soft = hard if hard == resource.RLIM_INFINITY else min(hard, max(soft,
                                                                     want))
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def version(argv):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return r.stdout.strip().splitlines()[0] if r.stdout.strip() else "?"


def s6_version():
    r = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "s6"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return r.stdout.strip() or "?"


if __name__ == "__main__":
    main()
