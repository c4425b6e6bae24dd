#!/bin/bash
# Shell completion (completions/goabi.bash, completions/_goabi):
# - bash: the command names offered after "goabi " are exactly the commands
#   the man page documents (docs/goabi.1, COMMANDS: .B NAME after .TP);
#   after "goabi inspect -" every option the man page's INSPECT OPTIONS
#   documents (.B \-\-NAME) is offered; after "--format " the formats the
#   man page names; after "goabi inspect " file names;
# - zsh: the file parses (zsh -n) and, loaded by compinit in a pseudo
#   session, defines _goabi for goabi (skip when zsh is not installed).
. "$(dirname "$0")/../lib.sh"
plan 5
BIN=$(dirname "$GOABI")
MAN=$TOP/docs/goabi.1
comp() { # WORDS...: the bash completions after the words (the last may be "")
	PATH=$BIN:$PATH bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_goabi goabi "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$TOP/completions/goabi.bash" "$@"
}
want=$(sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$MAN" | sed -n '/^\.TP/{n;s/^\.B \([a-z]*\)$/\1/p}' | sort -u)
got=$(comp goabi "")
check "bash: commands offered = the man page's COMMANDS ($(echo $want))" "$want" "$got"
want=$(sed -n '/^\.SH INSPECT OPTIONS/,/^\.SH /p' "$MAN" | sed 's/\\-/-/g' | grep -oE '^\.BI? --?[A-Za-z][a-z-]*' | sed 's/^\.BI\? //' | sort -u)
got=$(comp goabi inspect -)
missing=$(comm -23 <(echo "$want") <(echo "$got"))
if [ -n "$want" ] && [ -z "$missing" ]; then ok "bash: inspect -<TAB> offers every option of the man page's INSPECT OPTIONS ($(echo "$want" | wc -l))"
else notok "bash: inspect options missing from the completion: $(echo $missing) (man: $(echo $want | head -c 200))"; fi
check "bash: --format <TAB> offers the formats" "cyclonedx json sarif text" "$(comp goabi inspect --format "" | tr '\n' ' ' | sed 's/ $//')"
mkdir -p "$TMPD/d" && touch "$TMPD/d/prog.bin"
check "bash: inspect <TAB> completes file names" "$TMPD/d/prog.bin" "$(comp goabi inspect "$TMPD/d/pr")"
if ! command -v zsh > /dev/null; then
	skip "zsh: completion loads" "zsh not installed"
elif ! zsh -n "$TOP/completions/_goabi" 2> "$TMPD/z.err"; then
	notok "zsh: _goabi does not parse: $(head -c 200 "$TMPD/z.err")"
else
	out=$(ZDOTDIR=$TMPD HOME=$TMPD zsh -fc "fpath=($TOP/completions \$fpath); autoload -U compinit; compinit -u -d $TMPD/zcd; print -r -- \${_comps[goabi]}" 2>&1)
	check "zsh: compinit binds goabi to _goabi" _goabi "$out"
fi
