# installcheck: the installed man page is the source's man/launch.1, in
# man1 of $(mandir), so that `man -M MANDIR launch` finds and renders it,
# and mandoc finds no error in it.  Its content is checked by
# tests/integration/man_page.sh; this checks the installed copy.
. "$(dirname "$0")/../lib.sh"
: "${INST_MANDIR:?}" "${INST_SRCDIR:?}"
mandir=${INST_DESTDIR:-}$INST_MANDIR
page=$mandir/man1/launch.1
[ -f "$page" ] || fail "no man page at $page"
cmp -s "$page" "$INST_SRCDIR/man/launch.1" ||
    fail "$page differs from man/launch.1"
command -v man >/dev/null || command -v mandoc >/dev/null ||
    skip "neither man (man-db) nor mandoc is installed (contrib/install-deps)"
if command -v mandoc >/dev/null; then
	run_rc 0 "mandoc -Tlint -W error" mandoc -Tlint -W error "$page"
	run_rc 0 "mandoc -Tascii" mandoc -Tascii "$page"
	assert_contains "$(echo "$OUT" | head -n 1)" "LAUNCH(1)" "mandoc's header"
fi
if command -v man >/dev/null; then
	# man finds the page by name under the installed MANDIR.
	run_rc 0 "man -M $mandir launch" \
	    env MANPAGER=cat MANWIDTH=80 man -M "$mandir" 1 launch
	assert_contains "$(echo "$OUT" | head -n 1)" "LAUNCH(1)" "man's header"
fi
