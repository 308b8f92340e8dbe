#!/usr/bin/env python3
"""Run a command as a socket-activated service would be run: fd 3 set
up as asked, LISTEN_PID and LISTEN_FDS set, then exec (the pid stays the
same across exec, so LISTEN_PID=self names the command).  For the error
paths of `launch serve`'s socket activation (tests/integration/
activation_errors.sh); systemd-socket-activate covers the good path.

usage: listen_fds.py [--fds N] [--pid self|PID] [--unlink] KIND [PATH]
                     -- COMMAND [ARGS...]

KIND, what fd 3 is:
  unix PATH     a listening AF_UNIX stream socket bound to PATH
  dgram PATH    an AF_UNIX datagram socket bound to PATH
  abstract      a listening AF_UNIX stream socket in the abstract namespace
  connected     one end of a connected AF_UNIX stream socket pair
  udp           a UDP socket bound to 127.0.0.1 (an ephemeral port)
  file PATH     PATH, a regular file (created), opened read-only
  closed        nothing: fd 3 is not open

--fds N    the value of LISTEN_FDS (default 1)
--pid P    the value of LISTEN_PID: self (default: the command's pid) or
           a number
--unlink   remove PATH after binding it (a socket no client can reach)
"""
import os
import socket
import sys


def usage(msg):
    sys.stderr.write("listen_fds.py: %s\n%s" % (msg, __doc__))
    sys.exit(2)


def main(argv):
    fds, pid, unlink = "1", "self", False
    args = argv[1:]
    while args and args[0].startswith("--") and args[0] != "--":
        opt = args.pop(0)
        if opt == "--unlink":
            unlink = True
        elif opt in ("--fds", "--pid") and args:
            val = args.pop(0)
            if opt == "--fds":
                fds = val
            else:
                pid = val
        else:
            usage("bad option " + opt)
    if "--" not in args:
        usage("no -- COMMAND")
    cut = args.index("--")
    spec, command = args[:cut], args[cut + 1:]
    if not spec or not command:
        usage("KIND and COMMAND are needed")
    kind, path = spec[0], spec[1] if len(spec) > 1 else None
    if kind in ("unix", "dgram", "file") and path is None:
        usage(kind + " needs a PATH")

    keep = None
    if kind == "unix":
        keep = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        keep.bind(path)
        keep.listen(16)
    elif kind == "dgram":
        keep = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        keep.bind(path)
    elif kind == "abstract":
        keep = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        keep.bind("\0launch-test-%d" % os.getpid())
        keep.listen(16)
    elif kind == "connected":
        keep, _other = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    elif kind == "udp":
        keep = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        keep.bind(("127.0.0.1", 0))
    elif kind == "file":
        with open(path, "a"):
            pass
        keep = open(path, "rb")
    elif kind != "closed":
        usage("unknown KIND " + kind)
    if unlink and path is not None:
        os.unlink(path)

    if keep is not None:
        if keep.fileno() != 3:
            os.dup2(keep.fileno(), 3)
        # dup2 onto itself changes nothing: set the flag either way.
        os.set_inheritable(3, True)
    else:
        try:
            os.close(3)
        except OSError:
            pass
    env = dict(os.environ)
    env["LISTEN_FDS"] = fds
    env["LISTEN_PID"] = str(os.getpid()) if pid == "self" else pid
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main(sys.argv)
