# Host keys are checked against ~/.ssh/known_hosts and never trusted
# silently: an unknown key is refused (exit 5, "unknown host key", its
# SHA256 fingerprint exactly as `ssh-keygen -lf` prints it, a pointer to
# --accept-new-host), the command does not run and nothing is written;
# --accept-new-host appends exactly the one line OpenSSH would write
# (OpenSSH then accepts it) and runs the command; a known key, hashed
# (ssh-keygen -H) or not, needs no flag; a changed key of the same type
# is refused (exit 5, "CHANGED") even with --accept-new-host, and
# known_hosts is left byte for byte as it was; a known_hosts that cannot
# be written (a directory, a symlink, a second hard link) makes accepting
# fail without running the command or writing anything.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
start_daemon
start_sshd a
H=$HOSTSPEC
PORT=$SSHD_PORT
KH=$HOME/.ssh/known_hosts
fp=$(ssh-keygen -lf "$SSHD_HOSTKEY" | awk '{print $2}')
case $fp in SHA256:?*) ;; *) fail "ssh-keygen -lf printed '$fp'" ;; esac

# no_job LABEL: the daemon never heard of LABEL.
no_job() {
	[ "$("$LAUNCH" list --json | jq --arg l "$1" 'map(select(.label == $l)) | length')" = 0 ] ||
	    fail "job $1 exists: a refused command ran"
}

[ ! -e "$KH" ] || fail "known_hosts exists before the test"
run_rc 5 "an unknown host key, no known_hosts" rlaunch -H "$H" submit -l u1 -- sleep 100
assert_contains "$ERR" "launch: $H: " "the error names the host as written"
assert_contains "$ERR" "unknown host key" "unknown key message"
assert_contains "$ERR" "$fp" "the key's fingerprint, as ssh-keygen -lf prints it"
assert_contains "$ERR" "--accept-new-host" "the way to accept it"
[ ! -e "$KH" ] || fail "refusing an unknown key wrote known_hosts: $(cat "$KH")"
no_job u1

# known_hosts cannot be written (a directory stands in its place):
# accepting fails, says where, and the command does not run.
mkdir "$KH"
run_rc 5 "--accept-new-host, known_hosts not writable" rlaunch --accept-new-host -H "$H" submit -l u0 -- sleep 100
assert_contains "$ERR" "cannot add the host key to $KH" "the failed write is named"
no_job u0
rmdir "$KH"
# Nor through a hard link or a symlink planted there: the file they name
# is left as it was.
printf 'precious\n' >"$T/victim"
for how in hard sym; do
	if [ $how = hard ]; then ln "$T/victim" "$KH"; else ln -s "$T/victim" "$KH"; fi
	run_rc 5 "--accept-new-host, known_hosts a ${how}link" rlaunch --accept-new-host -H "$H" submit -l u0 -- sleep 100
	assert_contains "$ERR" "cannot add the host key to $KH: " "the refused write is named"
	assert_eq "$(cat "$T/victim")" precious "a ${how}linked known_hosts was not written through"
	no_job u0
	rm "$KH"
done

# A known_hosts that knows other machines only.
ssh-keygen -t ed25519 -N '' -q -f "$T/otherkey"
printf 'otherhost.invalid %s\n[127.0.0.1]:1 %s\n' \
    "$(cut -d ' ' -f 1,2 "$T/otherkey.pub")" \
    "$(cut -d ' ' -f 1,2 "$T/otherkey.pub")" >"$KH"
cp "$KH" "$T/kh.before"
run_rc 5 "an unknown host key, other hosts known" rlaunch -H "$H" submit -l u2 -- sleep 100
assert_contains "$ERR" "unknown host key" "unknown key message"
assert_contains "$ERR" "$fp" "the fingerprint"
cmp -s "$KH" "$T/kh.before" || fail "refusing an unknown key changed known_hosts"
no_job u2

run_rc 0 "--accept-new-host" rlaunch --accept-new-host -H "$H" submit -l acc -- sleep 100
assert_eq "$(job_field acc state)" running "the accepted command ran"
assert_eq "$(wc -l <"$KH")" 3 "accepting adds exactly one line"
assert_eq "$(head -n 2 "$KH")" "$(cat "$T/kh.before")" "the lines before are kept"
assert_eq "$(tail -n 1 "$KH" | cut -d ' ' -f 1-3)" \
    "[127.0.0.1]:$PORT $(cut -d ' ' -f 1,2 "$SSHD_HOSTKEY")" \
    "the line written (OpenSSH's form for a port other than 22)"
run_rc 0 "OpenSSH accepts the line written" openssh "$H" true
cp "$KH" "$T/kh.plain"

run_rc 0 "a known host key" rlaunch -H "$H" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label)|join(",")')" acc "list through a known key"
cmp -s "$KH" "$T/kh.plain" || fail "a known key changed known_hosts"

# Hashed host names (HashKnownHosts): |1|salt|hash instead of the name.
ssh-keygen -H -f "$KH" >/dev/null 2>&1
rm -f "$KH.old"
grep -q '^|1|' "$KH" || fail "ssh-keygen -H did not hash known_hosts"
grep -q '127\.0\.0\.1' "$KH" && fail "known_hosts still names 127.0.0.1 after hashing"
cp "$KH" "$T/kh.hashed"
run_rc 0 "a known host key, hashed" rlaunch -H "$H" list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label)|join(",")')" acc "list through a hashed entry"
cmp -s "$KH" "$T/kh.hashed" || fail "a hashed known key changed known_hosts"

# The same host and port, a new key of the same type.
stop_sshd a
new_hostkey a
start_sshd a
assert_eq "$HOSTSPEC" "$H" "the restarted sshd's spec"
for kind in plain hashed; do
	cp "$T/kh.$kind" "$KH"
	run_rc 5 "a changed host key ($kind entry)" rlaunch -H "$H" submit -l c1 -- sleep 100
	assert_contains "$ERR" "launch: $H: " "the error names the host as written"
	assert_contains "$ERR" "CHANGED" "changed key message ($kind)"
	run_rc 5 "a changed host key ($kind entry), --accept-new-host" \
	    rlaunch --accept-new-host -H "$H" submit -l c2 -- sleep 100
	assert_contains "$ERR" "CHANGED" "changed key message with --accept-new-host ($kind)"
	cmp -s "$KH" "$T/kh.$kind" || fail "a changed key changed known_hosts ($kind)"
done
no_job c1
no_job c2
