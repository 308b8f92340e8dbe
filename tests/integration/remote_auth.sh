# Client keys, found as OpenSSH finds them, under $HOME: a key the
# server does not accept is exit 5 "authentication failed" (the command
# does not run); ~/.ssh/config's Host alias (HostName, Port, User,
# IdentityFile) is honoured when no default key exists; the ssh agent
# is used, and before the key files; a dead agent socket falls back to
# the files; ecdsa and RSA keys work (RSA through rsa-sha2 with libssh2
# >= 1.11; with 1.10 an RSA refusal says why, and a server that still
# takes ssh-rsa works).  sshd's own log says which
# key each login used.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ssh-lib.sh"
ssh_setup
start_daemon
start_sshd a
ssh_trust a
H=$HOSTSPEC
PORT=$SSHD_PORT
K=$HOME/.ssh
mkdir "$T/keys"

# fingerprint PUBFILE: SHA256:... as ssh-keygen -lf prints it.
fingerprint() { ssh-keygen -lf "$1" | awk '{print $2}'; }
# logged_in TYPE FP: sshd a has logged a login with that key (sshd -e
# ends its lines with \r\n: no $ anchor).
logged_in() {
	grep -q "Accepted publickey for $SSH_USER from .* ssh2: $1 $2" "$T/sshd-a.log"
}
# logins TYPE FP: how many logins sshd a has logged with that key.
logins() {
	grep -c "Accepted publickey for $SSH_USER from .* ssh2: $1 $2" \
	    "$T/sshd-a.log" || true
}
# more_logins TYPE FP N: more than N of them.
more_logins() { [ "$(logins "$1" "$2")" -gt "$3" ]; }
# submits_as LABEL TYPE FP [LAUNCH ARGS...]: `launch ARGS submit -l
# LABEL` runs, and sshd logged the login with that key.
submits_as() {
	_l=$1 _type=$2 _fp=$3
	shift 3
	run_rc 0 "submit $_l ($_type key)" rlaunch "$@" submit -l "$_l" -- sleep 100
	assert_eq "$(job_field "$_l" state)" running "$_l's state"
	wait_for 5 "sshd to log the $_type login of $_l" logged_in "$_type" "$_fp"
}

# The default key works (the baseline), and is the one used.
submits_as base ED25519 "$(fingerprint "$K/id_ed25519.pub")" -H "$H"
mv "$K/id_ed25519" "$K/id_ed25519.pub" "$T/keys/"

# A key sshd does not know.
ssh-keygen -t ed25519 -N '' -q -f "$K/id_ed25519"
run_rc 5 "a key the server does not accept" rlaunch -H "$H" submit -l nokey -- sleep 100
assert_contains "$ERR" "launch: $H: " "the error names the host as written"
assert_contains "$ERR" "authentication failed" "auth failure message"
[ "$("$LAUNCH" list --json | jq 'map(select(.label == "nokey")) | length')" = 0 ] ||
    fail "the refused submit ran"
rm -f "$K/id_ed25519" "$K/id_ed25519.pub"

# ~/.ssh/config: an alias with its own key file; no default key exists.
ssh-keygen -t ed25519 -N '' -q -C other -f "$K/other"
sshd_authorize a "$K/other.pub"
cat >"$K/config" <<CONFIG
# launch test: an alias
Host box
	HostName 127.0.0.1
	Port $PORT
	User $SSH_USER
	IdentityFile ~/.ssh/other
CONFIG
submits_as viaconfig ED25519 "$(fingerprint "$K/other.pub")" -H box
run_rc 0 "list through the alias" rlaunch -H box list --json
assert_eq "$(echo "$OUT" | jq -r 'map(.label)|join(",")')" base,viaconfig \
    "the alias reaches the same daemon"
rm -f "$K/config" "$K/other" "$K/other.pub"

# The agent, holding a key that is in no file.
ssh-agent -D -s -a "$T/agent.sock" >"$T/agent.out" 2>"$T/agent.log" &
AGENT_PID=$!
KILL_PIDS="$KILL_PIDS $AGENT_PID"
wait_for 10 "the ssh agent's socket" test -S "$T/agent.sock"
SSH_AUTH_SOCK=$T/agent.sock
export SSH_AUTH_SOCK
ssh-keygen -t ed25519 -N '' -q -C agentkey -f "$T/keys/agentkey"
sshd_authorize a "$T/keys/agentkey.pub"
agentfp=$(fingerprint "$T/keys/agentkey.pub")
ssh-add -q "$T/keys/agentkey" 2>/dev/null
rm -f "$T/keys/agentkey"
assert_eq "$(ssh-add -l | awk '{print $2}')" "$agentfp" "the agent holds the key"
assert_eq "$(ls "$K" | tr '\n' ' ')" "known_hosts " "nothing but known_hosts in ~/.ssh"
submits_as viaagent ED25519 "$agentfp" -H "$H"
# The agent comes first: with an accepted default key file present too,
# the login is still the agent key's (a second one).
mv "$T/keys/id_ed25519" "$T/keys/id_ed25519.pub" "$K/"
n=$(logins ED25519 "$agentfp")
run_rc 0 "agent and key file" rlaunch -H "$H" list --json
wait_for 5 "sshd to log a second login with the agent key" \
    more_logins ED25519 "$agentfp" "$n"
kill "$AGENT_PID"
wait_exit "$AGENT_PID" 10
ssh_forget_pid "$AGENT_PID"
# The agent is gone but SSH_AUTH_SOCK still names it: the files remain.
submits_as deadagent ED25519 "$(fingerprint "$K/id_ed25519.pub")" -H "$H"
unset SSH_AUTH_SOCK
rm -f "$K/id_ed25519" "$K/id_ed25519.pub"

# ecdsa, as ~/.ssh/id_ecdsa.
ssh-keygen -t ecdsa -N '' -q -f "$K/id_ecdsa"
sshd_authorize a "$K/id_ecdsa.pub"
submits_as viaecdsa ECDSA "$(fingerprint "$K/id_ecdsa.pub")" -H "$H"
rm -f "$K/id_ecdsa" "$K/id_ecdsa.pub"

# RSA, as ~/.ssh/id_rsa; sshd takes rsa-sha2-256/512 signatures only.
/usr/sbin/sshd -T -f "$T/sshd-a/sshd_config" 2>/dev/null |
    grep -i '^pubkeyacceptedalgorithms ' >"$T/algs"
grep -q rsa-sha2-256 "$T/algs" || fail "sshd does not take rsa-sha2-256: $(cat "$T/algs")"
tr ', ' '\n\n' <"$T/algs" | grep -qx ssh-rsa &&
    fail "this sshd accepts ssh-rsa (SHA-1): the RSA case would prove less"
ssh-keygen -t rsa -b 3072 -N '' -q -f "$K/id_rsa"
sshd_authorize a "$K/id_rsa.pub"
# libssh2 signs with rsa-sha2 from 1.11 on (libssh2 issue #634); 1.10,
# Debian 12's, signs RSA with SHA-1 only, which OpenSSH 8.8+ refuses by
# default: then the refusal must say so, and a server that still takes
# ssh-rsa must work.
if pkg-config --atleast-version=1.11 libssh2; then
	submits_as viarsa RSA "$(fingerprint "$K/id_rsa.pub")" -H "$H"
else
	run_rc 5 "an RSA key with libssh2 < 1.11" rlaunch -H "$H" submit -l rsa1 -- sleep 100
	assert_contains "$ERR" "authentication failed" "RSA refusal"
	assert_contains "$ERR" "SHA-1" "the refusal explains the RSA limit"
	stop_sshd a
	sshd_extra a 'PubkeyAcceptedAlgorithms +ssh-rsa'
	start_sshd a
	submits_as viarsa RSA "$(fingerprint "$K/id_rsa.pub")" -H "$H"
fi
