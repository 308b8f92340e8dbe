# Errors about a label are "launch: LABEL: message" on stderr, for every
# command, from the error's label (stop, start, restart, remove, wait) or
# from what was asked (submit, status, logs); the daemon's messages do
# not repeat the label, and a label that is also a word of a message
# ("job", a command's name) is still printed.  Errors not about a label
# stay "launch: message".  An older daemon whose messages named the job
# ("web is already running", "ghost: no such job", "no job matches
# zz*"; here a stand-in with those messages) is printed as it
# is, without the label twice.
. "$(dirname "$0")/../lib.sh"
start_daemon

"$LAUNCH" submit -l web -- sleep 100
pid=$(job_field web pid)
run_rc 1 "submit, taken" "$LAUNCH" submit -l web -- true
assert_eq "$ERR" "launch: web: already running (pid $pid)" "submit"
run_rc 1 "submit, exec fails" "$LAUNCH" submit -l typo -- pyhton3-no-such
assert_eq "$ERR" "launch: typo: pyhton3-no-such: No such file or directory" \
    "a launch failure"
run_rc 1 "submit, the label is the command" "$LAUNCH" submit -l nosuch -- nosuch
assert_eq "$ERR" "launch: nosuch: nosuch: No such file or directory" \
    "the label is printed even when the message begins with it"
run_rc 1 "status" "$LAUNCH" status ghost
assert_eq "$ERR" "launch: ghost: no such job" "status"
run_rc 1 "status of a job named job" "$LAUNCH" status job
assert_eq "$ERR" "launch: job: no such job" "a label that ends the message"
run_rc 1 "logs" "$LAUNCH" logs ghost
assert_eq "$ERR" "launch: ghost: no such job" "logs"
for cmd in stop start restart remove; do
	run_rc 1 "$cmd" "$LAUNCH" $cmd ghost 'zz*'
	assert_eq "$ERR" "launch: ghost: no such job
launch: zz*: no job matches" "$cmd"
done
run_rc 1 "wait" "$LAUNCH" wait ghost 'zz*'
assert_eq "$ERR" "launch: ghost: no such job
launch: zz*: no job matches" "wait"

# Not about a label: as before.
run_rc 1 "unsubscribe" "$LAUNCH" unsubscribe 99
assert_eq "$ERR" "launch: subscription 99: no such subscription" "unsubscribe"
run_rc 3 "no daemon" "$LAUNCH" -S "$T/none.sock" status web
assert_eq "$ERR" "launch: no daemon at $T/none.sock (start one with: launch serve)" \
    "no daemon"

# An older daemon's messages.
cat >"$T/old.py" <<'PY'
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
open(sys.argv[2], "w").close()
def error(id, code, msg):
    return {"v": 7, "id": id, "error": {"code": code, "message": msg,
            "field": "label"}}
while True:
    c, _ = s.accept()
    f = c.makefile("rwb")
    for line in f:
        req = json.loads(line)
        op, id = req["op"], req["id"]
        if op == "submit":
            rep = error(id, "already_running",
                        req["label"] + " is already running (pid 42)")
        elif op == "status":
            rep = error(id, "unknown_label", req["label"] + ": no such job")
        else:
            errs = [{"label": m, "code": "unknown_label",
                     "message": ("no job matches " + m) if "*" in m
                     else (m + ": no such job")} for m in req["match"]]
            rep = {"v": 7, "id": id, "result": {"jobs": [], "errors": errs}}
        f.write(json.dumps(rep).encode() + b"\n")
        f.flush()
    c.close()
PY
python3 "$T/old.py" "$T/old.sock" "$T/old.ready" &
KILL_PIDS="$KILL_PIDS $!"
wait_for 10 "the older daemon's socket" test -e "$T/old.ready"
run_rc 1 "older daemon: submit" "$LAUNCH" -S "$T/old.sock" submit -l web -- true
assert_eq "$ERR" "launch: web is already running (pid 42)" "older submit"
run_rc 1 "older daemon: status" "$LAUNCH" -S "$T/old.sock" status ghost
assert_eq "$ERR" "launch: ghost: no such job" "older status"
run_rc 1 "older daemon: stop" "$LAUNCH" -S "$T/old.sock" stop ghost 'zz*'
assert_eq "$ERR" "launch: ghost: no such job
launch: no job matches zz*" "older stop"
