# submit --place puts the job on exactly one of the hosts given, the one
# with the most room from each host's stats (free memory, load per CPU,
# running jobs against max_jobs; ties: fewest running jobs, then the
# order given), and prints that host's spec.  The three hosts share one
# kernel (network namespaces or 127.0.0.N), so memory and load are the
# same for all and the job counts decide.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
for n in 1 2 3; do netns_host "$n"; done
H1=$HOST_1_SPEC H2=$HOST_2_SPEC H3=$HOST_3_SPEC

for j in b1 b2 b3; do
	run_rc 0 "submit $j on h1" rlaunch -H "$H1" submit -l "$j" -- sleep 100
done
run_rc 0 "submit b4 on h2" rlaunch -H "$H2" submit -l b4 -- sleep 100

# What the placement reads: stats --json, through ssh.
for n in 1 2 3; do
	eval "h=\$H$n"
	run_rc 0 "stats --json on h$n" rlaunch -H "$h" stats --json
	echo "$OUT" | jq -e 'has("mem_total_mb") and has("mem_available_mb") and
	    has("load1") and has("cpus") and has("jobs_running") and
	    has("jobs_total") and has("max_jobs") and has("status")' >/dev/null ||
	    fail "h$n's stats --json lacks a field: $OUT"
	echo "$OUT" >"$T/stats$n.json"
done
assert_eq "$(jq -s -c 'map(.jobs_running)' "$T"/stats1.json "$T"/stats2.json "$T"/stats3.json)" \
    "[3,1,0]" "jobs_running on h1, h2, h3"
assert_eq "$(jq -s -c 'map(.cpus) | unique | length' "$T"/stats*.json)" 1 \
    "one kernel: the same cpus everywhere"
# stats_now: the three hosts' stats, for the failure messages.
stats_now() {
	for n in 1 2 3; do
		printf 'h%s %s; ' "$n" "$(hlaunch "$n" stats --json | jq -c \
		    '[.mem_available_mb, .load1, .jobs_running, .max_jobs]')"
	done
}

run_rc 0 "submit --place" rlaunch -H "$H1,$H2,$H3" submit --place -l p -- sleep 100
assert_eq "$OUT" "$H3" "--place picks h3 (no jobs) [$(stats_now)]"
assert_eq "$(hlabels 1)/$(hlabels 2)/$(hlabels 3)" "b1 b2 b3/b4/p" \
    "p is on h3 only"
hjob_is 3 p state running || fail "p is not running on h3"

# h2 and h3 now run one job each: the order given decides.
run_rc 0 "a second submit --place" rlaunch -H "$H1,$H2,$H3" submit --place -l q -- sleep 100
assert_eq "$OUT" "$H2" "a tie between h2 and h3 goes to the first given [$(stats_now)]"
assert_eq "$(hlabels 1)/$(hlabels 2)/$(hlabels 3)" "b1 b2 b3/b4 q/p" \
    "q is on h2 only"
