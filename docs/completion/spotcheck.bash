# bash completion for spotcheck(1): the subcommands, their options and some of their values.
# Installed as /usr/share/bash-completion/completions/spotcheck. tests/integration/manpages.sh
# checks that every option of every `spotcheck CMD --help` is listed here.

_spotcheck()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi

    local commands="import sites plan draw verify daemon status report mail evidence publish check config"
    local common="--db --config --now --verbose --quiet --help -v -q -h"
    local network="--connect-to --max-pages --max-depth --timeout --concurrency --per-host
        --delay --retries --max-body --allow-private --no-dns"
    local sampling="--seed --rate --rounds --no-stratify"

    # the subcommand: the first word that is neither an option nor an option's value
    local i cmd=""
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --db | --config | --now) ((i++)) ;;
            -*) ;;
            *) cmd=${words[i]}; break ;;
        esac
    done

    case $prev in
        --db | --config)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --format)
            case $cmd in
                sites) COMPREPLY=($(compgen -W "text csv json" -- "$cur")) ;;
                report) COMPREPLY=($(compgen -W "json" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
            esac
            return ;;
        --status)
            COMPREPLY=($(compgen -W "normal exempt shutdown temporarily_closed moved_up migrated
                offline" -- "$cur"))
            return ;;
        --out | --body)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return ;;
        --now | --until | --seed | --rate | --rounds | --redraw | --draw | --region | \
        --history | --scope-host | --exclude | --connect-to | --max-pages | --max-depth | \
        --timeout | --concurrency | --per-host | --delay | --retries | --max-body)
            return ;; # a value only the user knows
    esac

    local opts
    case $cmd in
        "") opts="$common --version -V"
            [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "$commands" -- "$cur")); return; } ;;
        import) opts="--skip-invalid --dry-run $common"
            if [[ $cur != -* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -X '!*.@(csv|CSV|txt)' -- "$cur") $(compgen -d -- "$cur"))
                return
            fi ;;
        sites) opts="--status --region --all --history --format $common" ;;
        plan) opts="--rounds --format $common" ;;
        draw) opts="$sampling --redraw --format $common" ;;
        verify) opts="--draw --frame --format $common" ;;
        daemon) opts="--until $network $common" ;;
        status) opts="--format $common" ;;
        report) opts="--format --out $common" ;;
        mail) opts="--resend $common" ;;
        evidence) opts="--format --body $common" ;;
        publish) opts="--out $common" ;;
        check) opts="--format --all-links --scope-host --exclude $network $common" ;;
        config) opts="--format --sample $sampling $network $common" ;;
        *) return ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _spotcheck spotcheck
