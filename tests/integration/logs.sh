# Job output in rotated logs: --log-size/--log-files rotate by size and
# keep N files per stream; `logs -n N` reads the last N lines across the
# rotated parts; --stderr reads the other stream; `logs -f` follows new
# output, across a rotation, until SIGTERM (exit 0); an unknown label is
# exit 1.
. "$(dirname "$0")/../lib.sh"
start_daemon --log-size 1000 --log-files 3

# 400 lines of exactly 20 bytes, "line 00001 xxxxxxxx\n" and so on.  The
# job writes one line at a time and waits until the shim has logged it
# before writing the next, so every write reaches the shim alone and the
# rotation points are exact: 50 lines (1000 bytes) per file.
cat >"$T/counter" <<'EOF'
log=$1/logs/$LAUNCH_JOB_ID/stdout.log
i=1
while [ $i -le 400 ]; do
	n=$(printf %05d $i)
	printf 'line %s xxxxxxxx\n' "$n"
	until grep -q "^line $n " "$log" 2>/dev/null; do sleep 0.01; done
	i=$((i + 1))
done
echo "err one" >&2
echo "err two" >&2
exec sleep 1000
EOF
"$LAUNCH" submit -l counter -- sh "$T/counter" "$LAUNCH_STATE_DIR"
id=$(job_field counter id)
dir=$T/state/logs/$id
assert_eq "$(job_field counter logs.stdout)" "$dir/stdout.log" "the stdout log's path in the view"
wait_for 15 "the last line in the log" grep -q '^line 00400 ' "$dir/stdout.log"
wait_for 5 "the stderr lines in the log" grep -q '^err two$' "$dir/stderr.log"

# Three files per stream, the oldest two rotated away: .2 holds lines
# 251-300, .1 301-350 and the current file 351-400.
for f in stdout.log stdout.log.1 stdout.log.2; do
	[ -f "$dir/$f" ] || fail "$f is missing (have: $(ls "$dir" | tr '\n' ' '))"
	size=$(stat -c %s "$dir/$f")
	[ "$size" -le 1000 ] || fail "$f is $size bytes, over --log-size 1000"
done
[ ! -e "$dir/stdout.log.3" ] || fail "stdout.log.3 exists with --log-files 3"
lines() { seq -f 'line %05g xxxxxxxx' "$1" "$2"; }
assert_eq "$(cat "$dir/stdout.log.2")" "$(lines 251 300)" "stdout.log.2's contents"
assert_eq "$(cat "$dir/stdout.log.1")" "$(lines 301 350)" "stdout.log.1's contents"
assert_eq "$(cat "$dir/stdout.log")" "$(lines 351 400)" "stdout.log's contents"

# The last lines, read across the rotated parts.
run_rc 0 "logs -n 5" "$LAUNCH" logs -n 5 counter
assert_eq "$OUT" "$(lines 396 400)" "logs -n 5 prints exactly the last 5 lines"
run_rc 0 "logs" "$LAUNCH" logs counter
assert_eq "$OUT" "$(lines 391 400)" "logs prints the last 10 lines by default"
run_rc 0 "logs -n 120" "$LAUNCH" logs -n 120 counter
assert_eq "$OUT" "$(lines 281 400)" "logs -n 120 spans all three files"
run_rc 0 "logs -n 1000" "$LAUNCH" logs -n 1000 counter
assert_eq "$OUT" "$(lines 251 400)" "logs -n 1000 prints what is kept"
run_rc 0 "logs --stderr" "$LAUNCH" logs --stderr counter
assert_eq "$OUT" "err one
err two" "logs --stderr shows the stderr lines only"

# Follow: a job that logs each line written to its fifo.
mkfifo "$T/fifo"
"$LAUNCH" submit -l echoer -- sh -c \
    'while :; do IFS= read -r x <"$0" && printf "%s\n" "$x"; done' "$T/fifo"
eid=$(job_field echoer id)
elog=$T/state/logs/$eid/stdout.log
say() { timeout 10 sh -c 'printf "%s\n" "$1" >"$2"' sh "$1" "$T/fifo"; }
say "before the follow"
wait_for 5 "the first line in the echoer's log" grep -q '^before the follow$' "$elog"

"$LAUNCH" logs -f echoer >"$T/follow" 2>"$T/follow.err" &
follower=$!
KILL_PIDS=$follower
# The follower prints the tail first: then it is reading and watching.
wait_for 5 "the follower to print the tail" grep -q '^before the follow$' "$T/follow"

say "followed one"
wait_for 5 "a new line in the follower's output" grep -q '^followed one$' "$T/follow"
# Two lines of 611 bytes: the second does not fit in the 1000-byte file,
# so the log is rotated before it is written.
pad=$(printf '%0600d' 0)
say "big one $pad"
wait_for 5 "the first big line in the follower's output" grep -q "^big one $pad\$" "$T/follow"
[ ! -e "$elog.1" ] || fail "the echoer's log was rotated too early"
say "big two $pad"
wait_for 5 "the echoer's log to be rotated" test -e "$elog.1"
wait_for 5 "the line after the rotation in the follower's output" grep -q "^big two $pad\$" "$T/follow"
grep -q "^big one $pad\$" "$elog.1" || fail "the first big line is not in the rotated part"
say "after the rotation"
wait_for 5 "another line after the rotation" grep -q '^after the rotation$' "$T/follow"
assert_eq "$(cat "$T/follow")" "before the follow
followed one
big one $pad
big two $pad
after the rotation" "the follower printed every line once, in order"

kill -TERM "$follower"
wait_exit "$follower" 5
KILL_PIDS=
assert_eq "$WAIT_STATUS" 0 "a follow ended by SIGTERM exits 0"
assert_eq "$(cat "$T/follow.err")" "" "the follower's stderr"

# An unknown label.
run_rc 1 "logs of an unknown label" "$LAUNCH" logs nosuch
assert_contains "$ERR" "nosuch: no such job" "message for an unknown label"
assert_eq "$OUT" "" "nothing on stdout for an unknown label"
run_rc 1 "logs -f of an unknown label" "$LAUNCH" logs -f nosuch
assert_contains "$ERR" "nosuch: no such job" "message for an unknown label with -f"
