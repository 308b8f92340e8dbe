#!/usr/bin/env python3
"""A subscriber that misbehaves, for the tests: it listens on 127.0.0.1
(port 0: the kernel picks; the port is printed on the first line of
stdout) and then, by mode:

  blackhole  accepts connections and never reads from them
  noaccept   listens (backlog 1) and never accepts
  garbage    reads the HELLO, then sends a line that is not an ACK
  badack     acks the HELLO with 0, then acks a seq never sent
  forge TOKEN ADDR  (no listening) connects to a receiver at ADDR and sends
             a HELLO with TOKEN, then one EVENT; prints what happened

It runs until killed.  Each accepted connection is logged on stderr.
"""
import json
import socket
import sys
import time


def listener(backlog=16):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(backlog)
    print(s.getsockname()[1], flush=True)
    return s


def forge(token, addr):
    host, port = addr.rsplit(":", 1)
    c = socket.create_connection((host, int(port)), timeout=10)
    hello = {"v": 7, "token": token, "daemon": "f" * 32, "host": "forger",
             "subscription": 1}
    event = {"seq": 1, "time": "2026-11-21T10:00:00.000Z", "host": "forger",
             "event": "exit", "label": "forged", "id": 1, "kind": "process",
             "pid": 1, "restarts": 0, "reason": "exited", "exit_code": 1,
             "signal": None, "ok": False, "error": None}
    try:
        c.sendall((json.dumps(hello) + "\n" + json.dumps(event) + "\n")
                  .encode())
        data = c.recv(4096)
        print("answer:", data.decode().strip() or "EOF", flush=True)
    except OSError as e:
        print("answer: error", e, flush=True)


def main():
    mode = sys.argv[1]
    if mode == "forge":
        forge(sys.argv[2], sys.argv[3])
        return
    if mode == "noaccept":
        s = listener(1)
        while True:
            time.sleep(3600)
    s = listener()
    held = []
    while True:
        c, peer = s.accept()
        print("accepted", peer, file=sys.stderr, flush=True)
        held.append(c)
        if mode == "blackhole":
            continue
        f = c.makefile("rb")
        f.readline()
        if mode == "garbage":
            c.sendall(b"this is not an ack\n")
        elif mode == "badack":
            c.sendall(b'{"ack":0}\n{"ack":999999}\n')


if __name__ == "__main__":
    main()
