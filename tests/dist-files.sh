#!/bin/sh
# `make dist` (dist-hook): the tarball holds every file git tracks except
# those of the repository alone (.ci/, .gitignore), and nothing else but
# what autoreconf generates: no build output that a directory named in
# EXTRA_DIST carried along from an in-tree build.  A file missing from it
# would break a test, a build or a doc of the tarball only, which nobody
# runs before a release.  Outside a git checkout (a build from the
# tarball itself) there is nothing to compare with, and it says so.
#
# usage: dist-files.sh SRCDIR DISTDIR
set -eu
src=$1 dist=$2
# The top of a work tree, not a directory inside one (distcheck's second
# `make dist` runs from the unpacked tarball, in the checkout's tree).
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null) || top=
if [ -z "$top" ] || [ "$(cd "$top" && pwd -P)" != "$(cd "$src" && pwd -P)" ]; then
	echo "dist-files.sh: $src is not a git checkout: the tarball's files are not compared"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/launch-dist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
git -C "$src" ls-files | grep -Ev '^(\.ci/|\.gitignore$)' | sort >"$tmp/tracked"
(cd "$dist" && find . -type f | sed 's|^\./||' | sort) >"$tmp/dist"
rc=0
missing=$(comm -23 "$tmp/tracked" "$tmp/dist")
if [ -n "$missing" ]; then
	echo "dist-files.sh: tracked but not in the tarball (EXTRA_DIST in Makefile.am):" >&2
	echo "$missing" | sed 's/^/  /' >&2
	rc=1
fi
extra=$(comm -13 "$tmp/tracked" "$tmp/dist" | grep -Ev \
    '^(configure|aclocal\.m4|config\.h\.in|Makefile\.in|build-aux/[^/]*)$' ||
    true)
if [ -n "$extra" ]; then
	echo "dist-files.sh: in the tarball but not tracked (build output?):" >&2
	echo "$extra" | sed 's/^/  /' >&2
	rc=1
fi
exit $rc
