# Filters and classes, end to end with real receivers: -f 'o*' prints
# exactly the exits of o1..o4, -f '*' every failure (a label with
# slashes included), several -f are OR-ed; --events exits adds a clean
# exit 0 (ok true) that the default class (failures) leaves out,
# --events all adds starts and state changes, and a job ended by
# `launch stop` is a failure with reason "stopped".  "Nothing more will
# come" is read from the daemon's counters, not waited for.
. "$(dirname "$0")/../lib.sh"
start_daemon

start_receiver o --json -f 'o*'
SUB_O=$RECV_SUB
start_receiver all --json -f '*'
SUB_ALL=$RECV_SUB
start_receiver or --json -f o1 -f 'p*' -f 'a/*'
SUB_OR=$RECV_SUB
start_receiver exits --json --events exits -f 'ok*' -f 'stop*'
SUB_EXITS=$RECV_SUB
start_receiver every --json --events all -f ok1
SUB_EVERY=$RECV_SUB
assert_eq "$(grep '^launch: listening' "$T/or.err" | sed 's/.*(//')" \
    "events failures, match o1,p*,a/*)" "the listening line of -f o1 -f p* -f a/*"

for j in o1 o2 o3 o4 p1 p2 p3 p4 a/b/c; do
	"$LAUNCH" submit -l "$j" -- sh -c 'exit 1'
done
wait_for 10 "the * receiver to print 9 events" has_lines "$T/all.out" 9
# Every exit has happened, so every event is numbered: a subscription
# whose events are all acknowledged has printed all it will ever print.
wait_for 10 "o* to be settled" sub_settled "$SUB_O" 4
wait_for 10 "-f o1 -f p* -f a/* to be settled" sub_settled "$SUB_OR" 6
sub_settled "$SUB_ALL" 9 || fail "* is not settled at 9 events"
assert_eq "$(labels "$T/o.out")" "o1 o2 o3 o4" "-f 'o*' prints o1..o4 only"
assert_eq "$(wc -l <"$T/o.out")" 4 "-f 'o*' prints 4 lines"
assert_eq "$(labels "$T/all.out")" "a/b/c o1 o2 o3 o4 p1 p2 p3 p4" \
    "-f '*' prints every failure, a/b/c included"
assert_eq "$(labels "$T/or.out")" "a/b/c o1 p1 p2 p3 p4" "several -f are OR-ed"
assert_eq "$(jq -c '[.seq, .event, .reason, .exit_code, .ok]' "$T/o.out" | sort -u)" \
    '[1,"exit","exited",1,false]
[2,"exit","exited",1,false]
[3,"exit","exited",1,false]
[4,"exit","exited",1,false]' "o*'s events: exits numbered 1..4"
# Nothing of the failures reached the other classes' receivers.
assert_eq "$(cat "$T/exits.out" "$T/every.out")" "" "exits and all receivers (ok*, stop*)"
assert_eq "$(sub_field "$SUB_EXITS" next_seq)" 1 "nothing numbered for ok*/stop*"

# A clean exit 0: in "exits", not in "failures".
"$LAUNCH" submit -l ok1 -- true
wait_for 10 "ok1 to exit" job_is ok1 state exited
# A stopped job: a failure (reason stopped) in both classes.
"$LAUNCH" submit -l stopme -- sleep 1000
"$LAUNCH" stop stopme >/dev/null
wait_for 10 "* to print stopme" has_lines "$T/all.out" 10
wait_for 10 "exits to print ok1 and stopme" sub_settled "$SUB_EXITS" 2
assert_eq "$(tail -n 1 "$T/all.out" | jq -c '[.label, .reason, .signal, .ok]')" \
    '["stopme","stopped","SIGTERM",false]' "a stopped job is a failure"
# Events are in order, so ok1 (which ended before stopme) would be
# before it: the failures receiver never got it.
assert_eq "$(jq -r .label "$T/all.out" | grep -c '^ok1$' || true)" 0 \
    "failures leaves out a clean exit"
assert_eq "$(jq -c '[.label, .reason, .exit_code, .ok]' "$T/exits.out")" \
    '["ok1","exited",0,true]
["stopme","stopped",null,false]' "exits: the clean exit and the stop"

# --events all: ok1's start, its state changes and its exit (a new job's
# first launch is its start event, not a state change).
wait_for 10 "all, -f ok1: 4 events" sub_settled "$SUB_EVERY" 4
assert_eq "$(jq -r '.event + (if .event == "state" then " " + .from + ">" + .to else "" end)' "$T/every.out" | tr '\n' ',')" \
    "start,state starting>running,exit,state running>exited," \
    "--events all: ok1's state changes, start and exit"
assert_eq "$(jq -r .label "$T/every.out" | sort -u)" ok1 "all, -f ok1: only ok1"
assert_eq "$(jq -r .id "$T/every.out" | sort -u)" "$(job_field ok1 id)" \
    "the events carry the job's id"
assert_eq "$(jq -r 'select(.event == "start") | .pid > 0' "$T/every.out")" true \
    "the start event has a pid"
