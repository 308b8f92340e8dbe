# Readiness as in s6: --ready-fd N; starting until the job writes a
# newline there; --wait-ready returns only when ready or fails on -t.
. "$(dirname "$0")/../lib.sh"
start_daemon

mkfifo "$T/go"
"$LAUNCH" submit -l slowstart --ready-fd 3 -- sh -c "read x < $T/go; echo >&3; exec sleep 1000"
assert_eq "$(job_field slowstart state)" starting "starting until ready"
echo go >"$T/go" &
KILL_PIDS=$!
wait_for 5 "slowstart to be ready" sh -c "[ \"\$('$LAUNCH' status --json slowstart | jq -r '.[0].state')\" = running ]"
[ "$(job_field slowstart ready_at)" != null ] || fail "ready_at not set"

run_rc 0 "wait-ready" "$LAUNCH" submit -l waited --ready-fd 5 --wait-ready -- sh -c 'sleep 0.3; echo >&5; exec sleep 1000'
assert_eq "$(job_field waited state)" running "submit --wait-ready returns when ready"

# Ready at once: the shim's "launched" and "ready" reports can reach the
# daemon in one read; both must be handled then, not the second only
# when the shim speaks again (at the job's exit: the submit hung until
# -t, and the job stayed starting).  Twenty rounds; it failed 21 times
# in 30 before the fix.
for i in $(seq 1 20); do
	run_rc 0 "ready at once ($i)" "$LAUNCH" submit -l "atonce/$i" \
	    --ready-fd 3 --wait-ready -t 5 -- sh -c 'echo >&3; exec sleep 1000'
	assert_eq "$(job_field "atonce/$i" state)" running "ready at once ($i): running"
done
"$LAUNCH" remove 'atonce/*'

run_rc 1 "wait-ready timeout" "$LAUNCH" submit -l never --ready-fd 3 --wait-ready -t 0.5 -- sleep 1000
assert_contains "$ERR" "not ready after 0.5s" "timeout message"
assert_eq "$(job_field never state)" starting "the job is still starting"

run_rc 1 "exits before ready" "$LAUNCH" submit -l quitter --ready-fd 3 --wait-ready -- sh -c 'exit 2'
assert_contains "$ERR" "launch: quitter: ended before it was ready" "message"

run_rc 2 "wait-ready without ready-fd" "$LAUNCH" submit -l nofd --wait-ready -- true
raw '{"v":7,"id":1,"op":"submit","label":"raw","argv":["true"],"wait_ready":true}'
assert_eq "$(echo "$RAW" | jq -r .error.field)" wait_ready "daemon-side check"
