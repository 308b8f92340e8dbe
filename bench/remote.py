#!/usr/bin/env python3
"""Remote benchmark: how long `launch -H HOST list` takes against the
reference (OpenSSH's own client running `launch list` there) and against
a local `launch list`, and how long `-H h1,...,hN list` takes against N
one-host calls in a row.

Everything is real: N "hosts", each a /usr/sbin/sshd on 127.0.0.1 at its
own port (own ed25519 host key, config, authorized_keys, and `SetEnv
LAUNCH_SOCKET=` its own daemon's socket, as tests/ssh-lib.sh makes them),
each with its own `launch serve` holding J `sleep` jobs so that `list`
has rows.  The clients' HOME is a temporary one holding the client key
and a known_hosts that trusts the N host keys; no agent.  Nothing
outside the temporary directory is touched but /run/sshd (sshd's
privilege separation directory, created if missing); everything started
is stopped by pid.

Latency, one host, S samples each, interleaved so that a drift in the
machine's load hits all alike: the local floor (`launch list` on the
daemon's socket), OpenSSH (`ssh ... USER@127.0.0.1 LAUNCH list`, the
command users would type without -H) and `launch -H USER@127.0.0.1:PORT
list`.  Also OpenSSH running `true`: the cost of the login alone (key
exchange, authentication, sshd's forks, and the user's shell, which for
bash reads ~/.bashrc under sshd), which both remote paths pay.
Reported: p50 and p99 wall time, and launch -H's ratios to OpenSSH and
to the floor.

Fan-out, F samples: `launch -H h1,...,hN list` against the N one-host
calls made one after another; reported: p50 of each, of the slowest one
of the N one-host calls, and the ratios.  The goal is that N hosts take
about as long as the slowest one, not as long as all of them.

Every output is checked (exit status, rows, labels, hosts) so that a
failure is never timed as a result.  Skips (exit 0, saying why) when
sshd or the OpenSSH client is missing, or when sshd would refuse this
user (a locked account: sshd without PAM refuses it even for keys).

Usage: bench/remote.py [--launch PATH] [--samples S] [--hosts N]
                       [--fanout-samples F] [--jobs J]
"""

import argparse
import os
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SSHD = "/usr/sbin/sshd"
USER = subprocess.run(["id", "-un"], stdout=subprocess.PIPE, text=True,
                      check=True).stdout.strip()


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def skip(why):
    print("bench/remote.py: skipped: %s" % why)
    sys.exit(0)


def locked(user):
    """/etc/shadow (only read, and only when readable) says user is
    locked."""
    try:
        with open("/etc/shadow") as f:
            for line in f:
                field = line.split(":")
                if field[0] == user and len(field) > 1:
                    return field[1].startswith("!")
    except OSError:
        pass
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def tail(path, n=5):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-n:]).rstrip()


SSHD_CONFIG = """\
# launch bench sshd "{name}"
ListenAddress 127.0.0.1
Port {port}
HostKey {dir}/ssh_host_ed25519_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PermitUserRC no
PermitUserEnvironment no
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
SetEnv "LAUNCH_SOCKET={sock}"
"""


class Host:
    """One simulated machine: a launch daemon and an sshd in front of it."""

    def __init__(self, bench, n, jobs):
        self.name = "h%d" % n
        self.dir = os.path.join(bench.dir, self.name)
        self.sock = os.path.join(self.dir, "sock")
        self.daemon = self.sshd = None
        os.mkdir(self.dir)
        self.start_daemon(bench, jobs)
        bench.keygen(os.path.join(self.dir, "ssh_host_ed25519_key"),
                     "sshd-" + self.name)
        shutil.copy(os.path.join(bench.home, ".ssh", "id_ed25519.pub"),
                    os.path.join(self.dir, "authorized_keys"))
        self.start_sshd(bench)
        with open(os.path.join(self.dir, "ssh_host_ed25519_key.pub")) as f:
            kind, key = f.read().split()[:2]
        self.known = "[127.0.0.1]:%d %s %s\n" % (self.port, kind, key)
        self.spec = "%s@127.0.0.1:%d" % (USER, self.port)

    def start_daemon(self, bench, jobs):
        env = dict(bench.env, LAUNCH_SOCKET=self.sock,
                   LAUNCH_STATE_DIR=os.path.join(self.dir, "state"))
        self.log = open(os.path.join(self.dir, "daemon.log"), "w")
        self.daemon = subprocess.Popen([bench.launch, "serve", "-S",
                                        self.sock], env=env,
                                       stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 10
        while bench.local(self.sock, "ping").returncode != 0:
            if self.daemon.poll() is not None or \
                    time.monotonic() > deadline:
                sys.exit("bench: %s's daemon did not start: %s" %
                         (self.name, tail(self.log.name)))
            time.sleep(0.01)
        for i in range(jobs):
            r = bench.local(self.sock, "submit", "-l", "j%02d" % i, "--",
                            "sleep", "100000")
            if r.returncode != 0:
                sys.exit("bench: submit on %s: %s" % (self.name, r.stderr))

    def start_sshd(self, bench):
        config = os.path.join(self.dir, "sshd_config")
        log = os.path.join(self.dir, "sshd.log")
        # Someone may take the free port between the check and the bind.
        for _ in range(5):
            self.port = free_port()
            with open(config, "w") as f:
                f.write(SSHD_CONFIG.format(name=self.name, port=self.port,
                                           dir=self.dir, sock=self.sock))
                if bench.penalties:
                    # OpenSSH 9.8 and later hold back busy sources.
                    f.write("PerSourcePenalties no\n")
            with open(log, "a") as f:
                self.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f",
                                              config], stdout=f, stderr=f)
            deadline = time.monotonic() + 10
            while self.sshd.poll() is None and not accepts(self.port):
                if time.monotonic() > deadline:
                    sys.exit("bench: sshd %s does not accept on port %d" %
                             (self.name, self.port))
                time.sleep(0.01)
            if self.sshd.poll() is None:
                return
            self.sshd = None
            if "Address already in use" not in tail(log):
                break
        sys.exit("bench: sshd %s exited: %s" % (self.name, tail(log)))

    def close(self, bench):
        if self.sshd is not None:
            self.sshd.terminate()
            self.sshd.wait()
        if self.daemon is not None:
            try:
                bench.local(self.sock, "shutdown", "-t", "2000")
            except OSError:
                # The binary is gone (rebuilt mid-run): by pid instead.
                self.daemon.terminate()
            try:
                self.daemon.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.daemon.kill()
                self.daemon.wait()
        self.log.close()


class Bench:
    def __init__(self, launch):
        self.launch = launch
        self.dir = tempfile.mkdtemp(prefix="launch-bench-remote.")
        self.home = os.path.join(self.dir, "home")
        self.hosts = []
        os.makedirs(os.path.join(self.home, ".ssh"), mode=0o700)
        os.chmod(self.home, 0o700)
        self.env = dict(os.environ, HOME=self.home, LAUNCH_REMOTE=launch)
        for v in ("SSH_AUTH_SOCK", "SSH_AGENT_PID", "LAUNCH_HOST",
                  "LAUNCH_SOCKET", "LAUNCH_STATE_DIR"):
            self.env.pop(v, None)
        self.key = os.path.join(self.home, ".ssh", "id_ed25519")
        self.known_hosts = os.path.join(self.home, ".ssh", "known_hosts")
        self.keygen(self.key, "launch-bench")
        self.penalties = subprocess.run(
            [SSHD, "-t", "-f", "/dev/null", "-o", "PerSourcePenalties=no",
             "-h", self.key], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0

    def keygen(self, path, comment):
        subprocess.run(["ssh-keygen", "-t", "ed25519", "-N", "", "-q", "-C",
                        comment, "-f", path], check=True)

    def add_hosts(self, n, jobs):
        for i in range(1, n + 1):
            self.hosts.append(Host(self, i, jobs))
        with open(self.known_hosts, "w") as f:
            f.writelines(h.known for h in self.hosts)

    def local(self, sock, *args):
        return subprocess.run([self.launch, "-S", sock, *args],
                              env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)

    def close(self):
        for h in self.hosts:
            h.close(self)
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(argv, env):
    t0 = time.perf_counter()
    try:
        r = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        sys.exit("bench: %s took more than 60s" % shlex.join(argv))
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit("bench: %s exited %d: %s" % (shlex.join(argv),
                                               r.returncode, r.stderr))
    return dt, r.stdout


def check_list(out, header, rows, what):
    """out is a list table: header, then the rows (label, ...) as
    expected (a sorted list of tuples of the leading columns)."""
    lines = out.splitlines()
    if not lines or lines[0].split()[:len(header)] != header:
        sys.exit("bench: %s: not a list table:\n%s" % (what, out))
    got = sorted(tuple(line.split()[:len(rows[0])]) for line in lines[1:])
    if got != rows:
        sys.exit("bench: %s: %d rows, not the %d expected:\n%s" %
                 (what, len(lines) - 1, len(rows), out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--launch", default=os.environ.get("LAUNCH_BIN",
                                                       "./launch"))
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--fanout-samples", type=int, default=20)
    ap.add_argument("--hosts", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=20)
    a = ap.parse_args()
    if a.hosts < 1 or a.jobs < 1 or a.samples < 1 or a.fanout_samples < 1:
        ap.error("--hosts, --jobs and the sample counts must be 1 or more")

    launch = os.path.abspath(a.launch)
    if not os.access(launch, os.X_OK):
        sys.exit("bench: %s is not an executable" % launch)
    if not os.access(SSHD, os.X_OK):
        skip("%s is missing (openssh-server)" % SSHD)
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            skip("%s is missing (openssh-client)" % tool)
    if locked(USER):
        skip("the account %s is locked (its /etc/shadow password field "
             "starts with '!'): sshd without PAM refuses it" % USER)
    try:
        os.makedirs("/run/sshd", exist_ok=True)
    except OSError as e:
        skip("cannot create /run/sshd (sshd's privilege separation "
             "directory): %s" % e.strerror)

    b = Bench(launch)
    try:
        b.add_hosts(a.hosts, a.jobs)
        run(b, a)
    finally:
        b.close()


def run(b, a):
    h1 = b.hosts[0]
    labels = [("j%02d" % i,) for i in range(a.jobs)]
    local_cmd = [b.launch, "-S", h1.sock, "list"]
    openssh_cmd = ["ssh", "-F", "none", "-p", str(h1.port), "-i", b.key,
                   "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                   "-o", "UserKnownHostsFile=" + b.known_hosts,
                   "-o", "GlobalKnownHostsFile=/dev/null",
                   "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                   "%s@127.0.0.1" % USER]
    login_cmd = openssh_cmd + ["true"]
    openssh_cmd = openssh_cmd + [b.launch, "list"]
    remote_cmd = [b.launch, "-H", h1.spec, "list"]
    fanout_cmd = [b.launch, "-H", ",".join(h.spec for h in b.hosts),
                  "list"]
    single_cmds = [[b.launch, "-H", h.spec, "list"] for h in b.hosts]

    ssh_v = subprocess.run(["ssh", "-V"], stderr=subprocess.PIPE,
                           text=True).stderr.strip()
    print("machine: %d cpus (nproc), %s %s, %s" % (
        len(os.sched_getaffinity(0)), os.uname().sysname,
        os.uname().release, ssh_v))
    print("hosts: %d sshd on 127.0.0.1, each with its own daemon holding "
          "%d sleep jobs; user %s" % (len(b.hosts), a.jobs, USER))
    print("client env: HOME=%s LAUNCH_REMOTE=%s, no agent" %
          (b.home, b.launch))
    print("commands:")
    print("  local:    " + shlex.join(local_cmd))
    print("  openssh:  " + shlex.join(openssh_cmd))
    print("  login:    " + shlex.join(login_cmd))
    print("  launch:   " + shlex.join(remote_cmd))
    print("  fan-out:  " + shlex.join(fanout_cmd))
    print("  one host: %s (for each host in turn)" %
          shlex.join([b.launch, "-H", "HOST", "list"]))
    print()

    # The reference table, and a warm-up of each path (page cache, the
    # sshd's first fork) that is not timed.
    _, ref = timed(local_cmd, b.env)
    check_list(ref, ["LABEL"], labels, "local list")
    header = ref.splitlines()[0].split()
    for cmd, what in ((openssh_cmd, "openssh list"),
                      (remote_cmd, "launch -H list")):
        _, out = timed(cmd, b.env)
        check_list(out, header, labels, what)
    fan_rows = sorted((h.spec, l) for h in b.hosts for (l,) in labels)
    _, out = timed(fanout_cmd, b.env)
    check_list(out, ["HOST"] + header, fan_rows, "fan-out list")

    local, login, openssh, remote = [], [], [], []
    for _ in range(a.samples):
        dt, out = timed(login_cmd, b.env)
        if out:
            sys.exit("bench: ssh true printed %r" % out)
        login.append(dt)
        for cmd, times, what in ((local_cmd, local, "local list"),
                                 (openssh_cmd, openssh, "openssh list"),
                                 (remote_cmd, remote, "launch -H list")):
            dt, out = timed(cmd, b.env)
            check_list(out, header, labels, what)
            times.append(dt)

    fanout, sequential, slowest, fan_cpu = [], [], [], []
    for _ in range(a.fanout_samples):
        # The client's own CPU (launch and its per-host children, all
        # reaped by then): what fan-out costs the machine it runs on,
        # apart from the sshds and logins that share this one.
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        dt, out = timed(fanout_cmd, b.env)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        fan_cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime -
                       r0.ru_stime)
        check_list(out, ["HOST"] + header, fan_rows, "fan-out list")
        fanout.append(dt)
        each = []
        for cmd in single_cmds:
            dt, out = timed(cmd, b.env)
            check_list(out, header, labels, "launch -H list")
            each.append(dt)
        sequential.append(sum(each))
        slowest.append(max(each))

    ms = 1e3
    print("%-46s %9s %9s" % ("remote list, 1 host, %d jobs, %d samples" %
                             (a.jobs, a.samples), "p50 ms", "p99 ms"))
    for name, v in (("local launch list (floor)", local),
                    ("openssh: ssh HOST true (the login alone)", login),
                    ("openssh: ssh HOST launch list", openssh),
                    ("launch -H HOST list", remote)):
        print("  %-44s %9.2f %9.2f" % (name, pct(v, 50) * ms,
                                        pct(v, 99) * ms))
    for name, num, den in (("ratio launch -H / openssh", remote, openssh),
                           ("ratio launch -H / local", remote, local)):
        print("  %-44s %8.2fx %8.2fx" % (name, pct(num, 50) / pct(den, 50),
                                         pct(num, 99) / pct(den, 99)))
    n = len(b.hosts)
    print("%-46s %9s" % ("fan-out list, %d hosts x %d jobs, %d samples" %
                         (n, a.jobs, a.fanout_samples), "p50 ms"))
    for name, v in (("launch -H h1,...,h%d list" % n, fanout),
                    ("%d x launch -H hi list, one after another" % n,
                     sequential),
                    ("slowest single host of those %d" % n, slowest),
                    ("client CPU (user+sys) of one fan-out", fan_cpu)):
        print("  %-44s %9.2f" % (name, pct(v, 50) * ms))
    for name, num, den in (("ratio sequential / fan-out", sequential,
                            fanout),
                           ("ratio fan-out / slowest single host", fanout,
                            slowest)):
        print("  %-44s %8.2fx" % (name, pct(num, 50) / pct(den, 50)))


if __name__ == "__main__":
    main()
