# The daemon's own events: with --max-jobs, becoming full and ready
# again are "capacity" events (class "all"); those that ask for class
# "stats" get a "stats" event every --stats-interval seconds.  Neither
# has a label, so label filters do not hold them back; neither reaches a
# subscriber of failures.  Classes join with commas; bad ones and a bad
# interval are refused, naming the field or option.
. "$(dirname "$0")/../lib.sh"

run_rc 2 "--stats-interval 0" "$LAUNCH" serve -S "$SOCK" --stats-interval 0
assert_contains "$ERR" "--stats-interval 0: expected seconds" "names the option"

start_daemon --max-jobs 2 --stats-interval 1

# A receiver of everything for labels o* (the daemon's events pass the
# filter), with a hook; one of failures only; a local stream of stats.
start_receiver all --json -f 'o*' --events all,stats --exec \
    "echo \"\$LAUNCH_EVENT \${LAUNCH_STATUS-} \${LAUNCH_JOBS_ACTIVE-} \${LAUNCH_MAX_JOBS-} \${LAUNCH_LABEL-nolabel}\" >>$T/hook.log"
ALL_SUB=$RECV_SUB
start_receiver fail --json
FAIL_SUB=$RECV_SUB
"$LAUNCH" events --events stats --json >"$T/stream.out" 2>&1 &
STREAM_PID=$!
KILL_PIDS="$KILL_PIDS $STREAM_PID"

assert_eq "$(sub_field "$ALL_SUB" events)" "all,stats" "the subscription's classes"

"$LAUNCH" submit -l web1 -- sleep 100
"$LAUNCH" submit -l web2 -- sleep 100
has_capacity() { [ "$(jq -c "select(.event == \"capacity\") | [.status, .jobs_active, .max_jobs]" "$T/all.out" | tr '\n' ' ')" = "$1" ]; }
wait_for 10 "a full event" has_capacity '["full",2,2] '
"$LAUNCH" stop web1 >/dev/null
wait_for 10 "a ready event" has_capacity '["full",2,2] ["ready",1,2] '
# Not a transition: no event.
"$LAUNCH" stop web2 >/dev/null
"$LAUNCH" submit -l o1 -- sh -c 'exit 4'
wait_for 10 "o1's exit" grep -q '"label":"o1"' "$T/all.out"
has_capacity '["full",2,2] ["ready",1,2] ' || fail "extra capacity events: $(cat "$T/all.out")"
# Job events of other labels stayed filtered out.
[ "$(jq -r 'select(.label != null) | .label' "$T/all.out" | sort -u)" = o1 ] ||
    fail "the filter let other labels through: $(cat "$T/all.out")"

# Stats: every second, to the receiver and the stream, with the figures.
has_stats() { [ "$(jq -c 'select(.event == "stats")' "$1" | wc -l)" -ge 2 ]; }
wait_for 15 "two stats events at the receiver" has_stats "$T/all.out"
wait_for 15 "two stats events on the stream" has_stats "$T/stream.out"
# Those taken while web1 and web2 ran say full (a slow machine, or
# valgrind, is a second late): wait for one taken since.
stats_ready() {
	jq -c 'select(.event == "stats") | .stats | [.max_jobs, .status, (.cpus > 0), (.mem_total_mb > 0)]' \
	    "$T/stream.out" | grep -qxF '[2,"ready",true,true]'
}
wait_for 15 "a stats event with the figures, ready" stats_ready
assert_eq "$(jq -r .event "$T/stream.out" | sort -u)" stats "the stream got stats only"

# The hook sees the daemon's events, without a label.
grep -q '^capacity full 2 2 nolabel$' "$T/hook.log" ||
    fail "hook for capacity: $(cat "$T/hook.log")"
wait_for 15 "the hook for a stats event, ready" \
    grep -q '^stats ready   nolabel$' "$T/hook.log"

# Failures only: o1's exit, nothing of the daemon's own.
wait_for 10 "o1's failure" grep -q '"label":"o1"' "$T/fail.out"
[ "$(jq -r .event "$T/fail.out" | sort -u)" = exit ] ||
    fail "a failures subscriber got: $(cat "$T/fail.out")"

# Human lines.
run_rc 124 "events for 2.5 s" timeout 2.5 "$LAUNCH" events --events all,stats
assert_contains "$OUT" ": stats: ready, memory " "a stats line"

# Bad classes: usage errors for the client, invalid_data for the daemon.
run_rc 2 "--events all,all" "$LAUNCH" events --events all,all
assert_contains "$ERR" "--events all,all: expected failures, exits, all or stats" "the message"
run_rc 2 "--events ''" "$LAUNCH" subscribe -a 127.0.0.1:9 --events ''
TOK=0123456789abcdef0123456789abcdef
for bad in '"all,"' '"stats,bogus"' '"all stats"' '["all"]'; do
	raw '{"v":7,"id":1,"op":"subscribe","addr":"127.0.0.1:9","token":"'$TOK'","events":'"$bad"'}'
	assert_eq "$(echo "$RAW" | jq -c '[.error.code, .error.field]')" \
	    '["invalid_data","events"]' "events $bad"
done
raw '{"v":7,"id":2,"op":"events","events":"stats,"}'
assert_eq "$(echo "$RAW" | jq -c '[.error.code, .error.field]')" \
    '["invalid_data","events"]' "a stream's events"
"$LAUNCH" -q ping || fail "the daemon is unwell"
