# installcheck: README.md and every docs/*.md of the source are installed
# under $(docdir), in the same layout (README's links to docs/ work
# there).  A new docs/*.md not listed in Makefile.am fails here.
. "$(dirname "$0")/../lib.sh"
: "${INST_DOCDIR:?}" "${INST_SRCDIR:?}"
docdir=${INST_DESTDIR:-}$INST_DOCDIR
cmp -s "$docdir/README.md" "$INST_SRCDIR/README.md" ||
    fail "README.md is not installed in $docdir"
n=0
for f in "$INST_SRCDIR"/docs/*.md; do
	name=docs/$(basename "$f")
	cmp -s "$docdir/$name" "$f" ||
	    fail "$name is not installed in $docdir: add it to nobase_dist_doc_DATA (Makefile.am)"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no docs/*.md in $INST_SRCDIR"
