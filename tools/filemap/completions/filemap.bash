# SPDX-License-Identifier: MIT
# bash completion for filemap(1): verbs, each verb's options, the values of
# --type and --namespace, files for --file, and the names in the store.
# Verbs and options are read from the tool's own help, and names from
# `filemap ls -1`, so nothing here needs changing when the tool does.
# Installed as <datadir>/bash-completion/completions/filemap.

# The verbs, from `filemap --help`.
_filemap_verbs()
{
	"$1" --help 2>/dev/null | sed -n 's/^  filemap \([a-z]*\).*/\1/p'
}

# The names in the store, and a Local\ name's short form too (x is Local\x).
_filemap_names()
{
	local name
	"$1" ls -1 2>/dev/null | while IFS= read -r name; do
		printf '%s\n' "$name"
		[[ $name == 'Local\'* ]] && printf '%s\n' "${name#'Local\'}"
	done
}

# Adds the candidates that start with the word being completed, as typed:
# each is quoted for the shell (a name's backslash, its spaces).
_filemap_add()
{
	local candidate quoted
	while IFS= read -r candidate; do
		[[ -n $candidate ]] || continue
		printf -v quoted '%q' "$candidate"
		[[ $quoted == "$cur"* ]] && COMPREPLY+=("$quoted")
	done
}

_filemap()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local tool=${COMP_WORDS[0]} verb=${COMP_WORDS[1]}
	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		_filemap_add < <(_filemap_verbs "$tool"; printf '%s\n' --help --version)
		return
	fi
	case $prev in
	--type)
		_filemap_add < <(printf '%s\n' section mutex event semaphore)
		return ;;
	--namespace)
		_filemap_add < <(printf '%s\n' Local Global)
		return ;;
	--file)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--mode | --offset | --length | --interval | --count | --timeout | --initial | --maximum)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		_filemap_add < <("$tool" help "$verb" 2>/dev/null | grep -o -- '--[a-z-]*' | sort -u)
		return
	fi
	case $verb in
	help)
		((COMP_CWORD == 2)) && _filemap_add < <(_filemap_verbs "$tool") ;;
	gc) ;;
	*)
		_filemap_add < <(_filemap_names "$tool") ;;
	esac
}

complete -F _filemap filemap
