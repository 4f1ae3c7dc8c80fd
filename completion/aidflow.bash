# bash completion for aidflow                                 -*- shell-script -*-
#
# Completes commands, the options of each command, scenario files (*.yaml) and directories
# where those go, and the paths of --set and --vary, read from the scenario on the command
# line with `aidflow schema --paths FILE`. Commands and options are read from the program's
# own --help, so they cannot drift from it. Installed to bash-completion's completionsdir;
# to try it from a checkout: source completion/aidflow.bash
# Needs nothing from the bash-completion package.

# The commands of `aidflow --help` ("  NAME   summary" lines).
_aidflow_commands()
{
    "$1" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'
}

# The options `aidflow CMD --help` prints.
_aidflow_options()
{
    "$1" "$2" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u
}

_aidflow()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]}
    COMPREPLY=()

    if ((COMP_CWORD == 1)); then
        local cmds
        cmds="$(_aidflow_commands "$prog") --help --version -V"
        mapfile -t COMPREPLY < <(compgen -W "$cmds" -- "$cur")
        return 0
    fi
    local cmd=${COMP_WORDS[1]}

    case $prev in
        --set | --vary)
            # the first scenario file named on the line gives the paths
            local w file=""
            for w in "${COMP_WORDS[@]:2}"; do
                case $w in *.yaml | *.yml) if [[ -f $w ]]; then file=$w; break; fi ;; esac
            done
            [[ -n $file ]] || return 0
            local paths
            paths=$("$prog" schema --paths "$file" 2>/dev/null) || return 0
            mapfile -t COMPREPLY < <(compgen -W "$paths" -- "$cur")
            # a path is followed by '=' and its value
            local i
            for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]+="="; done
            compopt -o nospace 2>/dev/null
            return 0
            ;;
        --out)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null
            return 0
            ;;
        -o | --output)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            compopt -o filenames 2>/dev/null
            return 0
            ;;
        --paths)
            mapfile -t COMPREPLY < <(compgen -f -X '!*.y*ml' -- "$cur"; compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null
            return 0
            ;;
        --design)
            mapfile -t COMPREPLY < <(compgen -W "grid lhs:" -- "$cur")
            [[ ${COMPREPLY[0]} == lhs: ]] && compopt -o nospace 2>/dev/null
            return 0
            ;;
        --direction)
            mapfile -t COMPREPLY < <(compgen -W "smallest largest auto" -- "$cur")
            return 0
            ;;
        --seed | --replications | --jobs | --max-memory | --shard | --show | --goal | \
            --tolerance | --days | --lanes | --trucks-per-day | --label)
            return 0 # a value the user writes
            ;;
    esac

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_aidflow_options "$prog" "$cmd") --help" -- "$cur")
        return 0
    fi

    case $cmd in
        report | merge)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            ;;
        run | validate | show | assumptions | sweep | sensitivity | compare | target)
            mapfile -t COMPREPLY < <(compgen -f -X '!*.y*ml' -- "$cur"; compgen -d -- "$cur")
            ;;
        *) return 0 ;;
    esac
    compopt -o filenames 2>/dev/null
    return 0
}

complete -F _aidflow aidflow
