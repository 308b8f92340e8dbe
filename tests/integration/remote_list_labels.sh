# launch -H a,b list --labels: the labels of every host merged, each
# printed once (a label on two hosts is one line), sorted, without any
# host name: what a shell completion offers for `launch -H a,b stop`.  A
# host that cannot be reached is named on stderr, the others' labels are
# still printed, and the exit code is 3 (the largest per host, as for
# list).  One host through -H is the plain list --labels of that host.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
for n in 1 2 3; do netns_host "$n"; done
H1=$HOST_1_SPEC H2=$HOST_2_SPEC H3=$HOST_3_SPEC

for l in web batch/1 zeta; do
	run_rc 0 "submit $l on h1" rlaunch -H "$H1" submit -l "$l" -- sleep 100
done
for l in web web2 alpha; do
	run_rc 0 "submit $l on h2" rlaunch -H "$H2" submit -l "$l" -- sleep 100
done
nl='
'
run_rc 0 "-H h1 list --labels" rlaunch -H "$H1" list --labels
assert_eq "$OUT" "batch/1${nl}web${nl}zeta" "one host: its labels"
run_rc 0 "-H h1,h2 list --labels" rlaunch -H "$H1,$H2" list --labels
assert_eq "$OUT" "alpha${nl}batch/1${nl}web${nl}web2${nl}zeta" \
    "two hosts: every label once, sorted, no host"
assert_eq "$ERR" "" "two hosts: nothing on stderr"
run_rc 0 "-H h1,h2 list --labels 'w*'" rlaunch -H "$H1,$H2" list --labels 'w*'
assert_eq "$OUT" "web${nl}web2" "two hosts and a glob"

stop_sshd h3
run_rc 3 "-H h1,h2,h3 list --labels, h3 down" \
    rlaunch -H "$H1,$H2,$H3" list --labels
assert_eq "$OUT" "alpha${nl}batch/1${nl}web${nl}web2${nl}zeta" \
    "h3 down: the labels of h1 and h2"
assert_contains "$ERR" "launch: $H3: " "h3 down: named on stderr"
