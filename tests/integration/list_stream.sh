# list replies are encoded job by job (proto/proto-list.c) and `list
# --json` prints the reply's jobs array as it came: with 200 jobs whose
# argv and env hold quotes, backslashes, control bytes, UTF-8 and bytes
# that are not UTF-8 (a reply of about 1 MB, more than a socket holds),
# the output is one line that jq reads as every job with its argv as
# submitted, byte for byte the wire's array; the table and -l --json
# (the strict decoder) read the same reply.  A reply in another form is
# decoded (a fake daemon: members in another order, a wrong id, an
# error, a reply cut short), and clients that hang up mid-reply cost the
# daemon nothing.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 is missing"
command -v socat >/dev/null || skip "socat is missing (package socat)"
start_daemon

N=200
# Labels of every byte a label may have; argv[1..] hostile; two jobs keep
# running (for -l), the others exit at once.  @BAD@ becomes bytes that
# are not UTF-8.
python3 -c "import json, sys
parts = ['\"', '\\\\', '\\\\\"', '\n', '\r\n', '\t', '\b\f', '\x01', '\x1f',
    '\x7f', '\u00e9', '\u20ac', '\U0001f600', '</script>', '\\\\u0000',
    '{}[],:', '@BAD@', '=']
jobs = []
for i in range($N):
    s = ''.join(parts[(i * 7 + k * 3) % len(parts)] for k in range(1 + i % 13))
    s += 'x\"\\\\\x02' * 700
    argv = ['sleep', '1000'] if i < 2 else ['true', s, '']
    label = 'run%d' % i if i < 2 else 'j%03d/A-z_0.9:@+%d' % (i, i)
    jobs.append({'label': label, 'argv': argv, 'env': {'V': s}})
sys.stdout.buffer.write(json.dumps(jobs, ensure_ascii=False).replace(
    '@BAD@', '\udcff\udcfe').encode('utf-8', 'surrogateescape'))
" >"$T/jobs.json"
run_rc 0 "submit -f of $N hostile jobs" "$LAUNCH" submit -f "$T/jobs.json"

run_rc 0 "list --json" "$LAUNCH" list --json
assert_eq "$(wc -l <"$T/out")" 1 "list --json: one line"
assert_eq "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\n' \
    "list --json: ends with a newline"
cp "$T/out" "$T/list.json"
assert_eq "$(jq length "$T/list.json")" $N "list --json: every job"
jq -c 'sort_by(.label) | map({l: .label, a: .argv, e: .env})' "$T/jobs.json" >"$T/want"
jq -c 'map({l: .label, a: .argv, e: .env})' "$T/list.json" >"$T/got"
cmp -s "$T/want" "$T/got" ||
	fail "list --json: the jobs differ from those submitted"
assert_eq "$(jq -r '[.[] | .state] | unique | join(" ")' "$T/list.json")" \
    "exited running" "list --json: the states"

# Byte for byte the array the daemon sent.
printf '{"v":7,"id":1,"op":"list"}\n' |
    socat -t 30 - "UNIX-CONNECT:$SOCK" >"$T/wire"
python3 -c "import sys
wire = open(sys.argv[1], 'rb').read()
out = open(sys.argv[2], 'rb').read()
head = b'{\"v\":7,\"id\":1,\"result\":{\"jobs\":'
tail = b',\"errors\":[]}}\n'
assert wire.startswith(head) and wire.endswith(tail), wire[:80]
assert wire[len(head):-len(tail)] + b'\n' == out, 'not the wire array'
assert len(wire) > 512 * 1024, len(wire)
" "$T/wire" "$T/list.json" || fail "list --json is not the wire's array"

# The strict decoder reads the same reply.
run_rc 0 "list (the table)" "$LAUNCH" list
assert_eq "$(printf '%s\n' "$OUT" | wc -l)" $((N + 1)) "the table: every job"
assert_contains "$OUT" "j199/A-z_0.9:@+199" "the table: the last label"
run_rc 0 "list -l --json" "$LAUNCH" list -l --json
assert_eq "$(printf '%s\n' "$OUT" | jq -r '[.[] | select(.usage) | .label] | join(" ")')" \
    "run0 run1" "list -l --json: the live jobs' usage"
run_rc 0 "list --json GLOB" "$LAUNCH" list --json 'run*' 'j19?/*'
assert_eq "$(printf '%s\n' "$OUT" | jq -r 'map(.label) | join(" ")')" \
    "j190/A-z_0.9:@+190 j191/A-z_0.9:@+191 j192/A-z_0.9:@+192 j193/A-z_0.9:@+193 j194/A-z_0.9:@+194 j195/A-z_0.9:@+195 j196/A-z_0.9:@+196 j197/A-z_0.9:@+197 j198/A-z_0.9:@+198 j199/A-z_0.9:@+199 run0 run1" \
    "list --json GLOB: the matches, by label"
run_rc 0 "list --json, no match" "$LAUNCH" list --json 'nothing*'
assert_eq "$OUT" "[]" "no match: []"

# Clients that hang up before reading: the daemon drops them and serves
# on.
python3 -c "import socket, sys
for i in range(20):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b'{\"v\":7,\"id\":1,\"op\":\"list\"}\n')
    s.close()
" "$SOCK"
run_rc 0 "ping after hang-ups" "$LAUNCH" ping
run_rc 0 "list --json after hang-ups" "$LAUNCH" list --json
cmp -s "$T/out" "$T/list.json" || fail "list --json changed after hang-ups"
"$LAUNCH" stop -t 5 'run*'

# A fake daemon: answers one list request with the line in $T/reply
# (@ID@ replaced by the request's id), then closes.
cat >"$T/fake.py" <<'EOF'
import json, os, socket, sys
path, reply = sys.argv[1], open(sys.argv[2], 'rb').read()
s = socket.socket(socket.AF_UNIX)
s.bind(path + '.new')
os.rename(path + '.new', path)
s.listen(1)
c, _ = s.accept()
line = b''
while not line.endswith(b'\n'):
    line += c.recv(65536)
c.sendall(reply.replace(b'@ID@', str(json.loads(line)['id']).encode()))
c.close()
EOF
# fake REPLY-LINE: start it on $T/fake.sock.
fake() {
	rm -f "$T/fake.sock"
	printf '%s' "$1" >"$T/reply"
	python3 "$T/fake.py" "$T/fake.sock" "$T/reply" &
	KILL_PIDS="$KILL_PIDS $!"
	wait_for 10 "the fake daemon" test -S "$T/fake.sock"
}
# A job whose strings are all UTF-8 (jq would mend the others).
job=$(jq -c '.[] | select(.label == "run0")' "$T/list.json")

# Members in another order: decoded, and printed as launch prints.
fake "{\"id\":@ID@,\"v\":7,\"result\":{\"errors\":[],\"jobs\":[$job]}}
"
run_rc 0 "a reply in another form" "$LAUNCH" -S "$T/fake.sock" list --json
python3 -c "import json, sys
text = lambda f: open(f, 'rb').read().decode('utf-8', 'surrogateescape')
out = text(sys.argv[1])
assert out.startswith('[{\"id\":') and out.endswith('}]\n'), out[:60]
want = [j for j in json.loads(text(sys.argv[2])) if j['label'] == 'run0']
got = json.loads(out)
assert got == want, (got, want)
" "$T/out" "$T/list.json" || fail "another form: not the job, decoded"

# A wrong id: the frame does not match, the decoder refuses it.
fake '{"v":7,"id":99,"result":{"jobs":[],"errors":[]}}
'
run_rc 5 "a reply to another request" "$LAUNCH" -S "$T/fake.sock" list --json
assert_eq "$OUT" "" "wrong id: nothing on stdout"
assert_contains "$ERR" "reply 99 does not answer request 1" "wrong id: said"

# An error reply is reported as before.
fake '{"v":7,"id":@ID@,"error":{"code":"internal","message":"out of luck"}}
'
run_rc 5 "an error reply" "$LAUNCH" -S "$T/fake.sock" list --json
assert_eq "$OUT" "" "error reply: nothing on stdout"
assert_eq "$ERR" "launch: out of luck" "error reply: the message"

# A reply cut short (the daemon died mid-reply): nothing printed.
fake "{\"v\":7,\"id\":@ID@,\"result\":{\"jobs\":[$job,"
run_rc 5 "a reply cut short" "$LAUNCH" -S "$T/fake.sock" list --json
assert_eq "$OUT" "" "cut short: nothing on stdout"
assert_contains "$ERR" "no reply from the daemon" "cut short: said"
