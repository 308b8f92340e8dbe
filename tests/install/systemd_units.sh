# installcheck: the installed systemd user units.  launch.socket is
# contrib's; launch.service is launch.service.in with @bindir@ made the
# installed $(bindir) and nothing else changed, so that ExecStart runs
# the installed launch.
. "$(dirname "$0")/../lib.sh"
[ -n "${INST_SYSTEMDDIR:-}" ] ||
    skip "configured --without-systemduserunitdir: nothing installed"
dir=${INST_DESTDIR:-}$INST_SYSTEMDDIR
for f in launch.socket launch.service; do
	[ -f "$dir/$f" ] || fail "no $f in $dir"
done
cmp -s "$dir/launch.socket" "$INST_SRCDIR/contrib/systemd/launch.socket" ||
    fail "launch.socket differs from contrib's"
sed "s|@bindir@|$INST_BINDIR|g" "$INST_SRCDIR/contrib/systemd/launch.service.in" \
    >"$T/expected.service"
diff -u "$T/expected.service" "$dir/launch.service" ||
    fail "launch.service is not launch.service.in with @bindir@ = $INST_BINDIR"
! grep -n '@[A-Za-z_]*@' "$dir/launch.service" ||
    fail "launch.service has an unsubstituted variable"
exec_start=$(sed -n 's/^ExecStart=[-@:+!]*\([^ ]*\).*/\1/p' "$dir/launch.service")
assert_eq "$exec_start" "$INST_BINDIR/launch" "ExecStart's program"
[ -x "${INST_DESTDIR:-}$exec_start" ] ||
    fail "ExecStart's program is not installed: ${INST_DESTDIR:-}$exec_start"
