# stop ends the whole process group: children and grandchildren, and the
# reply comes only once all of them are gone.
. "$(dirname "$0")/../lib.sh"
start_daemon

# A job that forks a child and waits for it.
"$LAUNCH" submit -l fam -- sh -c "sleep 1000 & echo \$! > $T/child; wait"
wait_for 5 "the child pid file" test -s "$T/child"
child=$(cat "$T/child")
leader=$(job_field fam pid)
alive "$child" || fail "grandchild not running"
run_rc 0 "stop" "$LAUNCH" stop fam
not_alive "$leader" || fail "leader survived stop"
not_alive "$child" || fail "grandchild $child survived stop"

# The leader dies at once, a grandchild ignores SIGTERM: stop must wait
# for the grandchild and SIGKILL it after the timeout.
"$LAUNCH" submit -l stubborn -- sh -c "sh -c 'trap \"\" TERM; echo \$\$ > $T/gc; while :; do sleep 1; done' & wait"
wait_for 5 "the grandchild pid file" test -s "$T/gc"
gc=$(cat "$T/gc")
run_rc 0 "stop stubborn" "$LAUNCH" -v stop -t 0.5 stubborn
not_alive "$gc" || fail "grandchild that ignored SIGTERM survived stop"
assert_contains "$OUT" "stubborn: exited" "stop reports the job as exited"

# Orphans (their parent exited) are still part of the group.
"$LAUNCH" submit -l orphan -- sh -c "(sleep 1000 & echo \$! > $T/orphan) ; sleep 1000"
wait_for 5 "the orphan pid file" test -s "$T/orphan"
orphan=$(cat "$T/orphan")
"$LAUNCH" stop orphan
not_alive "$orphan" || fail "orphaned grandchild survived stop"
