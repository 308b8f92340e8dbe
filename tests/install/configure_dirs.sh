# installcheck: configure's directory options.  A relative or empty
# directory is refused, naming the option; "no" installs nothing there;
# a directory given is used as it is.  configure runs from the source
# tree into a build directory of its own, which it refuses to do when
# the source tree is configured in place: that case skips (distcheck
# runs this from its clean, read-only tree).  `make install-data` needs
# nothing compiled, so no build is done.
. "$(dirname "$0")/../lib.sh"
: "${INST_MAKE:?}" "${INST_SRCDIR:?}"
[ ! -f "$INST_SRCDIR/config.status" ] ||
    skip "the source tree is configured in place: configure cannot run from it into another directory"

# conf DIR ARGS...: run configure in $T/DIR; its output in OUT and ERR.
conf() {
	_c_dir=$T/$1
	shift
	mkdir -p "$_c_dir"
	set +e
	(cd "$_c_dir" && "$INST_SRCDIR/configure" -q "$@") >"$T/out" 2>"$T/err"
	_c_rc=$?
	set -e
	OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	return $_c_rc
}

for opt in bash-completion-dir zsh-completion-dir systemduserunitdir; do
	for bad in relative/dir ""; do
		! conf bad --with-$opt="$bad" ||
		    fail "--with-$opt='$bad' was accepted"
		assert_contains "$ERR" \
		    "configure: error: --with-$opt: the directory must be absolute (or no): '$bad'" \
		    "--with-$opt='$bad'"
	done
done

# installed FILE: the files `make install-data` put under $T/dest.
installed() {
	rm -rf "$T/dest"
	$INST_MAKE -C "$T/$1" install-data DESTDIR="$T/dest" \
	    >"$T/install.log" 2>&1 ||
	    fail "make install-data in $1: $(tail -n 20 "$T/install.log")"
	(cd "$T/dest" && find . ! -type d | sed 's/^\.//' | sort)
}

conf none --prefix=/p --without-bash-completion-dir \
    --without-zsh-completion-dir --without-systemduserunitdir ||
    fail "configure --without-...: $ERR"
found=$(installed none)
echo "$found" | grep -q '^/p/share/man/man1/launch.1$' ||
    fail "--without-...: no man page installed: $found"
! echo "$found" | grep -E 'completion|zsh|systemd' ||
    fail "--without-...: installed the files above"

conf own --prefix=/p --with-bash-completion-dir=/b \
    --with-zsh-completion-dir=/z --with-systemduserunitdir=/u ||
    fail "configure with directories: $ERR"
found=$(installed own)
for f in /b/launch /z/_launch /u/launch.socket /u/launch.service; do
	echo "$found" | grep -qxF "$f" || fail "$f not installed: $found"
done
! echo "$found" | grep -E 'completion|zsh|systemd' ||
    fail "installed where the options did not say"
