# installcheck: `make install DESTDIR=D prefix=P` from the build tree,
# for P = /usr and /usr/local, puts exactly the expected files under
# D/P (executables 0755, the rest 0644) and touches nothing at P itself:
# a rule that forgot $(DESTDIR) would write its file there, newer than
# the install (make writes nowhere else that would not show under D).
# The directories are the defaults (or what configure was given:
# INST_WITH_*), and each default is one its reader searches for that
# prefix: Debian zsh's $fpath, bash-completion's default XDG_DATA_DIRS,
# systemd's user unit path.  `make uninstall` with the same arguments
# then leaves no file under D.  (distcheck's own DESTDIR install checks
# install and uninstall with a read-only prefix, not this layout.)
. "$(dirname "$0")/../lib.sh"
: "${INST_MAKE:?}" "${INST_BUILDDIR:?}" "${INST_SRCDIR:?}"

# with_dir OPTION DEFAULT: where an optional file goes ("" if none).
with_dir() {
	case $1 in
	yes) echo "$2" ;;
	no) ;;
	*) echo "$1" ;;
	esac
}

# in_list DIR LIST: DIR is one of the lines of LIST.
in_list() { echo "$2" | grep -qxF "$1"; }

check_prefix() {
	p=$1 d=$T/dest$(echo "$p" | tr / _)
	share=$p/share
	if [ "$p" = /usr ]; then zsh_default=$share/zsh/vendor-completions
	else zsh_default=$share/zsh/site-functions; fi
	bash_dir=$(with_dir "$INST_WITH_BASH" "$share/bash-completion/completions")
	zsh_dir=$(with_dir "$INST_WITH_ZSH" "$zsh_default")
	unit_dir=$(with_dir "$INST_WITH_SYSTEMD" "$p/lib/systemd/user")
	{
		echo "$p/bin/launch"
		echo "$p/libexec/launch/launch-shim"
		echo "$p/libexec/launch/launch-ssh"
		echo "$share/man/man1/launch.1"
		echo "$share/doc/launch/README.md"
		for f in "$INST_SRCDIR"/docs/*.md; do
			echo "$share/doc/launch/docs/$(basename "$f")"
		done
		[ -z "$bash_dir" ] || echo "$bash_dir/launch"
		[ -z "$zsh_dir" ] || echo "$zsh_dir/_launch"
		[ -z "$unit_dir" ] || echo "$unit_dir/launch.service"
		[ -z "$unit_dir" ] || echo "$unit_dir/launch.socket"
	} | sort >"$T/expected"

	touch "$T/stamp"
	$INST_MAKE -C "$INST_BUILDDIR" install DESTDIR="$d" prefix="$p" \
	    >"$T/install.log" 2>&1 ||
	    fail "make install DESTDIR=$d prefix=$p: $(tail -n 20 "$T/install.log")"
	(cd "$d" && find . ! -type d | sed 's/^\.//' | sort) >"$T/found"
	diff -u "$T/expected" "$T/found" ||
	    fail "prefix $p: the files under DESTDIR are not the expected ones (-expected +found)"
	while read -r f; do
		case $f in
		*/bin/launch|*/launch-shim|*/launch-ssh)
			mode=755 ;;
		*)	mode=644 ;;
		esac
		assert_eq "$(stat -c %a "$d$f")" "$mode" "the mode of $f"
		if [ -n "$(find "$f" -newer "$T/stamp" 2>/dev/null)" ]; then
			fail "prefix $p: $f was written outside DESTDIR"
		fi
	done <"$T/expected"
	assert_eq "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' \
	    "$d$unit_dir/launch.service" 2>/dev/null || true)" \
	    "${unit_dir:+$p/bin/launch}" "prefix $p: ExecStart's program"

	# Each default directory is searched by its reader for this prefix
	# (where the reader is here to ask; INFO says when not).
	if [ "$INST_WITH_ZSH" != yes ]; then :
	elif command -v zsh >/dev/null && [ -f /etc/debian_version ]; then
		in_list "$zsh_dir" "$(zsh -fc 'print -l $fpath')" ||
		    fail "prefix $p: $zsh_dir is not in Debian zsh's fpath"
	else
		echo "INFO: no Debian zsh: $zsh_dir not checked against its fpath"
	fi
	loader=/usr/share/bash-completion/bash_completion
	if [ "$INST_WITH_BASH" != yes ]; then :
	elif [ -f "$loader" ]; then
		# "${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
		dirs=$(sed -n 's/.*XDG_DATA_DIRS:-\([^}]*\)}.*/\1/p' "$loader" |
		    head -n 1 | tr : '\n')
		[ -n "$dirs" ] || fail "no XDG_DATA_DIRS default in $loader"
		in_list "$share" "$dirs" ||
		    fail "prefix $p: bash-completion does not search $share"
	else
		echo "INFO: no bash-completion: $bash_dir not checked against its path"
	fi
	if [ "$INST_WITH_SYSTEMD" != yes ]; then :
	elif command -v systemd-analyze >/dev/null; then
		in_list "$unit_dir" "$(systemd-analyze --user unit-paths 2>/dev/null)" ||
		    fail "prefix $p: $unit_dir is not in systemd's user unit path"
	else
		echo "INFO: no systemd-analyze: $unit_dir not checked against the user unit path"
	fi

	$INST_MAKE -C "$INST_BUILDDIR" uninstall DESTDIR="$d" prefix="$p" \
	    >"$T/uninstall.log" 2>&1 ||
	    fail "make uninstall DESTDIR=$d prefix=$p: $(tail -n 20 "$T/uninstall.log")"
	left=$(find "$d" ! -type d)
	[ -z "$left" ] || fail "prefix $p: make uninstall left $left"
}

check_prefix /usr
check_prefix /usr/local
