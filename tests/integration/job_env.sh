# The job's environment is exactly the documented base set (HOME, USER,
# LOGNAME, SHELL from passwd, PATH=/usr/local/bin:/usr/bin:/bin,
# LAUNCH_LABEL, LAUNCH_JOB_ID) plus the spec's env: neither the daemon's
# nor the client's environment leaks in unless --inherit-env.  Env files,
# their precedence against -e, umask and rlimits, and their errors.
. "$(dirname "$0")/../lib.sh"
export SECRET_DAEMON_VAR=daemon-secret
start_daemon
unset SECRET_DAEMON_VAR
# The test means something only if the daemon really has the variable.
tr '\0' '\n' <"/proc/$DAEMON_PID/environ" | grep -qx SECRET_DAEMON_VAR=daemon-secret ||
	fail "the daemon was not started with SECRET_DAEMON_VAR"

ended() { [ "$(job_field "$1" state)" = exited ]; }
# run_job LABEL [SUBMIT OPTIONS] -- CMD...: submit from a client whose
# environment has CLIENT_ONLY, with --stdout $T/LABEL.out, and wait for
# the job to exit 0.
run_job() {
	_l=$1
	shift
	env CLIENT_ONLY=client-secret $CLIENT_ENV "$LAUNCH" submit -l "$_l" \
	    --stdout "$T/$_l.out" "$@"
	wait_for 5 "$_l to exit" ended "$_l"
	assert_eq "$(job_field "$_l" exit_code)" 0 "$_l's exit code"
}
CLIENT_ENV=
names() { cut -d= -f1 "$1" | sort | tr '\n' ' '; }
value() { sed -n "s/^$2=//p" "$1"; }

pw_home=$(getent passwd "$(id -u)" | cut -d: -f6)
pw_shell=$(getent passwd "$(id -u)" | cut -d: -f7)
pw_name=$(id -un)

# `env` itself, not a shell that would add PWD and friends.
run_job plain -e ONE=1 -e 'TWO=two words' -e 'THREE=a=b' -- env
assert_eq "$(names "$T/plain.out")" \
    "HOME LAUNCH_JOB_ID LAUNCH_LABEL LOGNAME ONE PATH SHELL THREE TWO USER " \
    "the job's variables are the base set plus -e"
! grep -q SECRET_DAEMON_VAR "$T/plain.out" || fail "the daemon's environment leaked into the job"
! grep -q CLIENT_ONLY "$T/plain.out" || fail "the client's environment leaked into the job"
assert_eq "$(value "$T/plain.out" LAUNCH_LABEL)" plain "LAUNCH_LABEL is the label"
assert_eq "$(value "$T/plain.out" LAUNCH_JOB_ID)" "$(job_field plain id)" "LAUNCH_JOB_ID is the job's id"
assert_eq "$(value "$T/plain.out" PATH)" /usr/local/bin:/usr/bin:/bin "PATH"
assert_eq "$(value "$T/plain.out" HOME)" "$pw_home" "HOME is from passwd"
assert_eq "$(value "$T/plain.out" USER)" "$pw_name" "USER"
assert_eq "$(value "$T/plain.out" LOGNAME)" "$pw_name" "LOGNAME"
assert_eq "$(value "$T/plain.out" SHELL)" "$pw_shell" "SHELL is from passwd"
assert_eq "$(value "$T/plain.out" TWO)" "two words" "-e with a space"
assert_eq "$(value "$T/plain.out" THREE)" "a=b" "-e with = in the value"

# -e may override the base set (PATH here, which is also where the
# command is looked up).
run_job ownpath -e PATH=/bin:/usr/bin -e HOME=/nowhere -- env
assert_eq "$(value "$T/ownpath.out" PATH)" /bin:/usr/bin "-e PATH overrides the base PATH"
assert_eq "$(value "$T/ownpath.out" HOME)" /nowhere "-e HOME overrides HOME"
assert_eq "$(names "$T/ownpath.out")" \
    "HOME LAUNCH_JOB_ID LAUNCH_LABEL LOGNAME PATH SHELL USER " "no variable added by overriding"

# --inherit-env passes the client's environment, -e on top; the client's
# own LAUNCH_LABEL/LAUNCH_JOB_ID (it may itself run as a job) do not.
CLIENT_ENV="LAUNCH_LABEL=outer LAUNCH_JOB_ID=999 OVERRIDE=client"
run_job inherit --inherit-env -e OVERRIDE=from-e -- env
CLIENT_ENV=
assert_eq "$(value "$T/inherit.out" CLIENT_ONLY)" client-secret "--inherit-env passes the client's variables"
assert_eq "$(value "$T/inherit.out" OVERRIDE)" from-e "-e overrides an inherited variable"
assert_eq "$(value "$T/inherit.out" LAUNCH_LABEL)" inherit "LAUNCH_LABEL is the job's, not the client's"
assert_eq "$(value "$T/inherit.out" LAUNCH_JOB_ID)" "$(job_field inherit id)" "LAUNCH_JOB_ID is the job's"
assert_eq "$(value "$T/inherit.out" PATH)" "$PATH" "--inherit-env passes the client's PATH"
! grep -q SECRET_DAEMON_VAR "$T/inherit.out" || fail "the daemon's environment leaked with --inherit-env"

# --env-file: comments, blank lines, export, quotes removed once, values
# otherwise literal; later -e beats the file, a later file beats -e.
cat >"$T/vars.env" <<'EOF'
# a comment

   # an indented comment
export EXPORTED=1
	export	TABBED=2
PLAIN=value with spaces
DQ="double quoted"
SQ='single quoted'
NESTED="'inner'"
MISMATCHED="open'
HASH=a#b
EMPTY=
DOLLAR=$HOME
OVERRIDDEN=from-file
LATER=from-file
EOF
run_job envfile -e LATER=from-e-before --env-file "$T/vars.env" \
    -e OVERRIDDEN=from-e -- env
out=$T/envfile.out
assert_eq "$(names "$out")" \
    "DOLLAR DQ EMPTY EXPORTED HASH HOME LATER LAUNCH_JOB_ID LAUNCH_LABEL LOGNAME MISMATCHED NESTED OVERRIDDEN PATH PLAIN SHELL SQ TABBED USER " \
    "the env file's variables"
assert_eq "$(value "$out" EXPORTED)" 1 "export NAME=VALUE"
assert_eq "$(value "$out" TABBED)" 2 "export with tabs"
assert_eq "$(value "$out" PLAIN)" "value with spaces" "unquoted value"
assert_eq "$(value "$out" DQ)" "double quoted" "double quotes removed"
assert_eq "$(value "$out" SQ)" "single quoted" "single quotes removed"
assert_eq "$(value "$out" NESTED)" "'inner'" "only one pair of quotes removed"
assert_eq "$(value "$out" MISMATCHED)" "\"open'" "mismatched quotes kept"
assert_eq "$(value "$out" HASH)" "a#b" "no comment inside a value"
assert_eq "$(value "$out" EMPTY)" "" "an empty value"
assert_eq "$(value "$out" DOLLAR)" '$HOME' "no expansion"
assert_eq "$(value "$out" OVERRIDDEN)" from-e "a later -e overrides the env file"
assert_eq "$(value "$out" LATER)" from-file "a later env file overrides an earlier -e"

# A bad line is a usage error naming FILE:LINE, and starts nothing.
printf '# fine\nGOOD=1\nthis is not an assignment\n' >"$T/bad.env"
run_rc 2 "a bad env file" "$LAUNCH" submit -l badenv --env-file "$T/bad.env" -- true
assert_contains "$ERR" "$T/bad.env:3: expected NAME=VALUE" "the message names FILE:LINE"
printf 'A = b\n' >"$T/spaced.env"
run_rc 2 "NAME = VALUE in an env file" "$LAUNCH" submit -l badenv --env-file "$T/spaced.env" -- true
assert_contains "$ERR" "$T/spaced.env:1:" "the message names FILE:LINE"
run_rc 2 "a missing env file" "$LAUNCH" submit -l badenv --env-file "$T/none.env" -- true
assert_contains "$ERR" "$T/none.env: No such file or directory" "a missing env file"
assert_eq "$("$LAUNCH" list badenv)" "" "no job from a bad env file"

# umask and rlimits are the spec's.
run_job masked --umask 027 -- sh -c umask
assert_eq "$(cat "$T/masked.out")" 0027 "--umask 027"
run_job limited --rlimit nofile=64 -- sh -c 'ulimit -Sn; ulimit -Hn'
assert_eq "$(cat "$T/limited.out" | tr '\n' ' ')" "64 64 " "--rlimit nofile=64 sets soft and hard"
run_job limited2 --rlimit nofile=32:64 --rlimit core=0 -- sh -c 'ulimit -Sn; ulimit -Hn; ulimit -c'
assert_eq "$(cat "$T/limited2.out" | tr '\n' ' ')" "32 64 0 " "--rlimit nofile=32:64, core=0"

# A limit the kernel refuses (above fs.nr_open, even for root) fails the
# submit, names the limit, and leaves no job.
nr_open=$(cat /proc/sys/fs/nr_open)
big=$((nr_open + 1))
run_rc 1 "an rlimit that cannot be set" "$LAUNCH" submit -l toobig --rlimit "nofile=$big:$big" -- true
assert_contains "$ERR" "rlimit nofile=$big:$big" "the message names the rlimit"
assert_contains "$ERR" "Operation not permitted" "the message has the errno text"
assert_eq "$("$LAUNCH" list toobig)" "" "no job left by a failed launch"

run_rc 2 "an unknown rlimit" "$LAUNCH" submit -l badlimit --rlimit bogus=1 -- true
assert_contains "$ERR" 'unknown resource "bogus"' "unknown rlimit message"
run_rc 2 "a bad rlimit value" "$LAUNCH" submit -l badlimit --rlimit nofile=lots -- true
run_rc 2 "soft above hard" "$LAUNCH" submit -l badlimit --rlimit nofile=64:32 -- true
assert_contains "$ERR" "the soft limit exceeds the hard limit" "soft above hard message"
run_rc 2 "a bad umask" "$LAUNCH" submit -l badmask --umask 0999 -- true
assert_eq "$("$LAUNCH" list 'bad*')" "" "no job from a usage error"
