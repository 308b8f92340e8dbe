# A burst of output is split across rotated files: no log file grows past
# --log-size, however the job's writes arrive.
. "$(dirname "$0")/../lib.sh"
start_daemon --log-size 1000 --log-files 3
"$LAUNCH" submit -l burst -- sh -c 'seq -f "line %05g xxxxxxxx" 1 400 | cat; exec sleep 1000'
id=$(job_field burst id)
wait_for 10 "the last line in the log" sh -c "'$LAUNCH' logs -n 1 burst | grep -q 'line 00400'"
d=$T/state/logs/$id
for f in "$d/stdout.log" "$d/stdout.log.1" "$d/stdout.log.2"; do
	[ -f "$f" ] || fail "$f is missing"
	[ "$(wc -c <"$f")" -le 1000 ] || fail "$f has $(wc -c <"$f") bytes, over 1000"
done
[ ! -e "$d/stdout.log.3" ] || fail "more files than --log-files"
assert_eq "$(cat "$d/stdout.log.2" "$d/stdout.log.1" "$d/stdout.log" | tail -n 1)" "line 00400 xxxxxxxx" "the newest line is last"
