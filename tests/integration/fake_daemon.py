#!/usr/bin/env python3
"""A stand-in for the daemon, to test the client side of subscriptions
(receiver.sh) apart from the daemon's.

  fake_daemon.py serve SOCK LOG
      Answer subscribe, unsubscribe, subscriptions and events on the Unix
      socket SOCK like the daemon (the same token is the same
      subscription; ids are never reused), appending each request to LOG.
      events: the reply and FAKE_EVENTS (default 3) events in one write,
      then the connection is closed.
  fake_daemon.py deliver HOST PORT TOKEN DAEMON SUB FIRST LAST [LINE...]
      Be that daemon on a notification connection: send HELLO, print the
      first ACK, send exit events FIRST..LAST then each LINE as is, print
      each ACK until LAST is acknowledged or the receiver closes ("eof").
"""
import json, os, socket, sys, threading, time

def event(seq):
    return {"seq": seq, "time": "2026-11-21T10:00:00.123Z", "host": "box",
            "event": "exit", "label": "web", "id": 7, "kind": "process",
            "pid": 1234, "restarts": 0, "reason": "exited",
            "exit_code": seq % 256, "signal": None, "ok": False,
            "error": None}

def serve(path, log):
    subs, last_id, lock = {}, [0], threading.Lock()
    def view(s):
        return {k: v for k, v in s.items() if k != "token"}
    def handle(conn):
        for raw in conn.makefile("rb"):
            req = json.loads(raw)
            with open(log, "a") as f:
                f.write(json.dumps(req, sort_keys=True) + "\n")
            def send(**m):
                conn.sendall((json.dumps(dict(v=3, id=req["id"], **m)) +
                              "\n").encode())
            with lock:
                op = req["op"]
                if op == "subscribe":
                    ids = [i for i, s in subs.items()
                           if s["token"] == req["token"]]
                    if ids:
                        sid = ids[0]
                    else:
                        last_id[0] += 1
                        sid = last_id[0]
                    subs[sid] = {"id": sid, "addr": req["addr"],
                        "token": req["token"],
                        "match": req.get("match", ["*"]),
                        "events": req.get("events", "failures"),
                        "ttl_ms": req.get("ttl_ms", 86400000),
                        "queue_max": req.get("queue_max", 10000),
                        "created_at": "2026-11-21T10:00:00.000Z",
                        "state": "connecting",
                        "since": "2026-11-21T10:00:00.000Z", "queued": 0,
                        "dropped": 0, "delivered": 0, "next_seq": 1,
                        "last_error": None}
                    send(result={"subscription": view(subs[sid])})
                elif op == "unsubscribe":
                    s = subs.pop(req["subscription"], None)
                    if s is None:
                        send(error={"code": "unknown_label", "message":
                             "no subscription %d" % req["subscription"]})
                    else:
                        send(result={"subscription": view(s)})
                elif op == "subscriptions":
                    out = [view(subs[i]) for i in sorted(subs)]
                    for v in out[1:2]:
                        v.update(state="retrying", queued=5, dropped=2,
                                 last_error="connect: Connection refused")
                    send(result={"subscriptions": out})
                elif op == "events":
                    n = int(os.environ.get("FAKE_EVENTS", "3"))
                    data = json.dumps({"v": 3, "id": req["id"], "result":
                                       {"streaming": True}}) + "\n"
                    data += "".join(json.dumps(event(i + 1)) + "\n"
                                    for i in range(n))
                    conn.sendall(data.encode())
                    conn.close()
                    return
                else:
                    send(error={"code": "invalid_data",
                                "message": "op: not faked"})
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()

def deliver(host, port, token, daemon, sub, first, last, lines):
    s = socket.create_connection((host, int(port)), timeout=10)
    f = s.makefile("rb")
    s.sendall((json.dumps({"v": 3, "token": token, "daemon": daemon,
                           "host": "box", "subscription": int(sub)}) +
               "\n").encode())
    print("first", f.readline().decode().strip(), flush=True)
    first, last = int(first), int(last)
    data = "".join(json.dumps(event(q)) + "\n"
                   for q in range(first, last + 1))
    data += "".join(l + "\n" for l in lines)
    if not data:
        return
    s.sendall(data.encode())
    while True:
        line = f.readline()
        if not line:
            print("eof", flush=True)
            return
        print("ack", line.decode().strip(), flush=True)
        if json.loads(line)["ack"] >= last:
            return

if sys.argv[1] == "serve":
    serve(*sys.argv[2:4])
else:
    deliver(*sys.argv[2:9], sys.argv[9:])
