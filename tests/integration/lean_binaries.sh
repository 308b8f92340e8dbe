# A process maps only what it uses (DESIGN, "Speed"): the launch binary,
# which every local command loads, links no ssh library; the ssh
# transport is launch-ssh, a helper next to it (or in pkglibexecdir),
# the only program that links libssh2.  Checked on what the linker
# recorded (readelf -d: NEEDED), then on what the loader maps (ldd),
# which also counts what a library pulls in (libcurl, while launch links
# it, brings libssh2 back: then ldd is reported, not asserted).
. "$(dirname "$0")/../lib.sh"
command -v readelf >/dev/null || skip "readelf is missing (binutils)"
command -v ldd >/dev/null || skip "ldd is missing (libc-bin)"

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

HELPER=$(dirname "$LAUNCH")/launch-ssh
[ -x "$HELPER" ] || fail "no launch-ssh next to $LAUNCH"

launch_needs=$(needed "$LAUNCH")
[ -n "$launch_needs" ] || fail "readelf found no NEEDED entry in $LAUNCH"
! echo "$launch_needs" | grep -q '^libssh2' ||
    fail "launch links libssh2: $(echo $launch_needs)"
helper_needs=$(needed "$HELPER")
echo "$helper_needs" | grep -q '^libssh2\.' ||
    fail "launch-ssh does not link libssh2: $(echo $helper_needs)"
# The helper needs nothing of the protocol, the loop or HTTP.
! echo "$helper_needs" | grep -Eq '^lib(ev|cjson|curl)\.' ||
    fail "launch-ssh links more than it uses: $(echo $helper_needs)"
shim_needs=$(needed "$(dirname "$LAUNCH")/launch-shim")
! echo "$shim_needs" | grep -Eq '^lib(ssh2|curl)\.' ||
    fail "launch-shim links ssh or HTTP: $(echo $shim_needs)"

# What the loader maps.
maps=$(ldd "$LAUNCH")
heavy=$(echo "$maps" |
    awk '$1 ~ /^lib(ssh2|ssl|crypto|gnutls|curl)\./ { printf "%s ", $1 }')
if echo "$launch_needs" | grep -q '^libcurl\.'; then
	echo "INFO: launch links libcurl, which maps: $heavy($(echo "$maps" | wc -l) objects in all)"
else
	[ -z "$heavy" ] || fail "ldd launch maps $heavy"
fi
echo "$(ldd "$HELPER")" | grep -q 'libssh2\.so' || fail "ldd launch-ssh: no libssh2"

# The helper runs on its own: its usage, and the contract's exit codes.
run_rc 0 "launch-ssh --help" "$HELPER" --help
assert_contains "$OUT" "usage: launch-ssh [-v] [--accept-new-host] [--ready] [--] SPEC COMMAND" \
    "launch-ssh --help"
run_rc 0 "launch-ssh --version" "$HELPER" --version
assert_contains "$OUT" "launch-ssh " "launch-ssh --version"
run_rc 2 "launch-ssh without arguments" "$HELPER"
assert_contains "$ERR" "usage: launch-ssh" "launch-ssh without arguments"
run_rc 2 "launch-ssh with a bad option" "$HELPER" --nosuch box true
run_rc 2 "launch-ssh with a bad spec" "$HELPER" 'bad spec' true
assert_eq "$ERR" "launch: bad spec: host \"bad spec\" has a character outside [A-Za-z0-9._:%-]" \
    "a bad spec, as launch -H says it"
