# The manual page, man/launch.1, says what the program says of itself:
#   - `mandoc -Tlint -Wwarning` prints nothing;
#   - COMMANDS has an item for every command `launch --help` lists, and
#     none for a command it does not list;
#   - every option token (-x, --long) of `launch CMD --help` appears in
#     CMD's item, and those of `launch --help` under GLOBAL OPTIONS (a
#     token in a command's summary line there: in that command's item);
#     every option that an option list of the help defines (a line that
#     starts with it) is also the tag of an item of its own there;
#   - every `launch CMD --help` has an "Example";
#   - EXIT STATUS lists the exit codes that `launch --help` lists;
#   - bridge's example (raw protocol) is answered by a real daemon.
#
# How the page is read: rendered by `mandoc -Tascii` at a width no line
# reaches (so no word is broken), overstrikes removed.  A section is the
# lines from its heading (at column 0) to the next heading; a command's
# item is the lines from its tag line ("     launch CMD ...", at the
# list's indent, 5 columns, inside COMMANDS) to the next command's tag
# line.  A token matches as a whole word: --log matches neither --log-size
# nor -l.  What follows a "--" word on a help line is a job's command
# (submit -l web -- python3 -m http.server), not launch's.  The page is found from this script's directory, so that the
# test also runs in a VPATH build (make distcheck).
. "$(dirname "$0")/../lib.sh"

MAN=$(dirname "$0")/../../man/launch.1
[ -f "$MAN" ] || fail "no manual page at $MAN"
command -v mandoc >/dev/null ||
	skip "mandoc is missing (contrib/install-deps installs it)"

# 1. Lint: mandoc's warnings and errors (not its style notes).
lint=$(mandoc -Tlint -Wwarning "$MAN" 2>&1) || true
[ -z "$lint" ] || fail "mandoc -Tlint -Wwarning $MAN:
$lint"

bs=$(printf '\b')
mandoc -Tascii -Owidth=1000 "$MAN" | sed "s/.$bs//g" >"$T/man.txt"
[ -s "$T/man.txt" ] || fail "mandoc rendered nothing"

# man_section NAME: the lines of section NAME.
man_section() {
	awk -v name="$1" '
	/^[A-Z]/ { in_sec = ($0 == name); next }
	in_sec' "$T/man.txt"
}
# man_item CMD: the lines of CMD's item in COMMANDS.
man_item() {
	man_section COMMANDS | awk -v cmd="$1" '
	/^     launch [a-z]/ { split($0, w, " "); in_item = (w[2] == cmd) }
	in_item'
}
# tokens: the option tokens of stdin, one per line, sorted.  What follows
# a "--" word on a line is a job's command (launch submit ... -- python3
# -m http.server), whose options are not launch's.
tokens() {
	sed -E 's/(^|[[:space:]])--([[:space:]].*)?$//' |
	    grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' |
	    sed -E 's/^[^-]+//; s/-+$//' | sort -u
}
# has_token TOKEN FILE: TOKEN occurs in FILE as a whole word.
has_token() {
	grep -qE -e "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|\$)" "$2"
}
# defined: the options that the help's option lists define, one per line:
# on a line indented 2 to 4 columns that starts with an option, that one,
# the long form after ", " and any other after two spaces
# ("    --vcpus N (1)  --mem MB (512)").
defined() {
	grep -E '^ {2,4}-' | grep -oE '(^ +|  |, )--?[A-Za-z][A-Za-z0-9-]*' |
	    sed -E 's/^[ ,]+//' | sort -u
}
# has_item TOKEN FILE: TOKEN begins an item's tag in FILE (alone, or as
# the long form in "-x, --long").
has_item() {
	grep -qE -e "^ +(-[A-Za-z0-9], )?$1([ ,=]|\$)" "$2"
}

run_rc 0 "launch --help" "$LAUNCH" --help
printf '%s\n' "$OUT" >"$T/help.txt"
# "Commands:" up to the next blank line: "  NAME  summary".
awk '/^Commands:/ { on = 1; next } on && /^$/ { exit }
    on { print }' "$T/help.txt" >"$T/commands.txt"
cmds=$(awk '{ print $1 }' "$T/commands.txt")
[ "$(echo "$cmds" | wc -l)" -ge 10 ] ||
	fail "launch --help lists too few commands to be parsed right: $cmds"

# 2. The set of commands: --help's and the page's.
man_cmds=$(man_section COMMANDS | awk '/^     launch [a-z]/ { print $2 }' |
    sort -u)
want=$(echo "$cmds" | sort -u)
[ "$man_cmds" = "$want" ] || fail "the commands of COMMANDS differ from \
launch --help's (< --help, > page):
$(echo "$want" >"$T/a"; echo "$man_cmds" >"$T/b"; diff "$T/a" "$T/b")"

missing=
nopts=0 ndefs=0
# 3. Global options: every token of --help but its command lines.
man_section "GLOBAL OPTIONS" >"$T/global.txt"
[ -s "$T/global.txt" ] || fail "no GLOBAL OPTIONS section"
awk '/^Commands:/ { skip = 1; next } skip && /^$/ { skip = 0 }
    !skip' "$T/help.txt" | tokens >"$T/global.tok"
[ -s "$T/global.tok" ] || fail "no option found in launch --help"
while read -r tok; do
	nopts=$((nopts + 1))
	has_token "$tok" "$T/global.txt" ||
	    missing="$missing
  launch --help: $tok is not under GLOBAL OPTIONS"
done <"$T/global.tok"
for tok in $(defined <"$T/help.txt"); do
	has_item "$tok" "$T/global.txt" ||
	    missing="$missing
  launch --help: $tok has no item of its own under GLOBAL OPTIONS"
done

# 4. Each command: its --help's tokens (and those of its summary line in
# launch --help) in its item, and an example.
for c in $cmds; do
	man_item "$c" >"$T/item.txt"
	run_rc 0 "launch $c --help" "$LAUNCH" "$c" --help
	printf '%s\n' "$OUT" >"$T/chelp.txt"
	grep -qE '^Examples?:' "$T/chelp.txt" ||
	    missing="$missing
  launch $c --help has no \"Example:\""
	awk -v c="$c" '$1 == c' "$T/commands.txt" >>"$T/chelp.txt"
	for tok in $(tokens <"$T/chelp.txt"); do
		nopts=$((nopts + 1))
		has_token "$tok" "$T/item.txt" ||
		    missing="$missing
  launch $c --help: $tok is not in the page's item for $c"
	done
	for tok in $(defined <"$T/chelp.txt"); do
		ndefs=$((ndefs + 1))
		has_item "$tok" "$T/item.txt" ||
		    missing="$missing
  launch $c --help: $tok has no item of its own in $c's item"
	done
done
[ -z "$missing" ] || fail "the page and the program disagree:$missing"
[ "$nopts" -ge 100 ] && [ "$ndefs" -ge 60 ] ||
	fail "only $nopts option tokens and $ndefs options checked: is the \
help parsed right?"

# 5. Exit codes: --help's "Exit codes: 0 ok, 1 ..., 2 ..." and EXIT STATUS.
help_codes=$(sed -n '/^Exit codes:/,$p' "$T/help.txt" | tr '\n' ' ' |
    grep -oE '(: |, )[0-9]+ [a-z]' | grep -oE '[0-9]+' | sort -n |
    tr '\n' ' ')
man_codes=$(man_section "EXIT STATUS" | grep -oE '^     [0-9]+ ' |
    grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
[ -n "$help_codes" ] || fail "no exit codes found in launch --help"
assert_eq "$man_codes" "$help_codes" "EXIT STATUS against launch --help"
# 6. The one help example that is raw protocol, bridge's, speaks this
# daemon's version (it said 3 to a daemon of version 6, which refused it).
start_daemon
ex=$("$LAUNCH" bridge --help | sed -n "s/^  echo '\(.*\)' | launch bridge\$/\1/p")
[ -n "$ex" ] || fail "no echo '...' | launch bridge example in bridge --help"
run_rc 0 "the bridge example" sh -c 'printf "%s\n" "$1" | "$2" bridge' sh \
    "$ex" "$LAUNCH"
assert_contains "$OUT" '"result":{"pid":' "the bridge example's reply"

echo "INFO: $(echo "$cmds" | wc -l) commands, $nopts option tokens" \
    "($ndefs options with an item), exit codes $help_codes"
