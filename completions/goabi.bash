# bash completion for goabi. The commands and options come from goabi's own
# --help at completion time, so they never drift from the binary installed.
_goabi()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--help --version --json --format -q -v --color' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(goabi --help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')" -- "$cur"))
		fi
		return
	fi
	case $prev in
	--format) COMPREPLY=($(compgen -W 'text json sarif cyclonedx' -- "$cur")); return ;;
	--color) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
	--policy|--header|--creds|--cache|--from-list|--resume) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(goabi "$cmd" --help 2>/dev/null | grep -oE '^ +(-[A-Za-z], )?--?[A-Za-z][a-z0-9-]*' | tr -d ' ' | tr ',' ' ')" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
	fi
}
complete -F _goabi goabi
