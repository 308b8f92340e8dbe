#!/usr/bin/env python3
"""Run a daemon out of file descriptors with client connections.

fd_hog.py SOCKET DAEMON_LOG: connect to SOCKET again and again, each new
connection sending a ping, until the daemon's log says accept is paused
(its fds are all taken).  Each ping's reply, or that log line, is the
signal to go on: no timing.  Then send a submit (label "fdless") on the
first connection, which the daemon serves though it has no fd left, and
print "paused N" (N connections were accepted) and the submit's reply.
Hold everything until stdin closes, then close all and exit.
"""
import os
import select
import socket
import sys
import time

PAUSED = b"out of file descriptors"


def log_says_paused(path):
    with open(path, "rb") as f:
        return PAUSED in f.read()


def main():
    path, log = sys.argv[1], sys.argv[2]
    conns = []
    deadline = time.monotonic() + 60
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(path)
        s.sendall(b'{"v":7,"id":1,"op":"ping"}\n')
        s.setblocking(False)
        conns.append(s)
        while True:
            if time.monotonic() > deadline:
                sys.exit("fd_hog: neither a reply nor a pause")
            r, _, _ = select.select([s], [], [], 0.02)
            if r:
                if not s.recv(65536):
                    sys.exit("fd_hog: the daemon closed a connection")
                break
            if log_says_paused(log):
                break
        if log_says_paused(log):
            break
    first = conns[0]
    first.setblocking(True)
    first.sendall(b'{"v":7,"id":2,"op":"submit","label":"fdless",'
                  b'"argv":["sleep","1000"],"cwd":"/"}\n')
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = first.recv(65536)
        if not chunk:
            sys.exit("fd_hog: no reply to the submit")
        reply += chunk
    print("paused %d" % (len(conns) - 1))
    print(reply.decode().strip(), flush=True)
    sys.stdin.read()
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
