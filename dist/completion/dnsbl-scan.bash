# SPDX-License-Identifier: MIT
# bash completion for dnsbl-scan(1): commands, options, --format and --checks
# values, and list ids and zones from `dnsbl-scan lists` (the catalog in use,
# --lists PATH included). Installed into bash-completion's completionsdir.
#
# To add an option: put it in the command's word list below, and in the case
# for its value if it takes one. tests/package/test_docs.py checks that every
# option of cli/opts.c is here, in the zsh completion and in the man page.

_dnsbl_scan_scan_opts='--format --checks --lists --list --resolver --concurrency
    --channels --timeout --tries --rate --spf-domain --skip-invalid --progress
    --no-progress --color --no-color --state --delta --wait --nagios --warning
    --critical --prom --on-change --anomaly-share --config --help --version
    --on-change-timeout --anomaly-min --no-wait --no-skip-invalid --no-nagios
    --html --since --output --dkim-selector --bimi-selector --no-fetch
    --ca-file --https-connect --trust-anchor --expand --expand-cap --resolve
    --no-resolve -w -c -o -h'
_dnsbl_scan_lists_opts='--lists --format --help'
# check_rbl's options: `dnsbl-scan nagios` and the check_rbl link (cli/rbl.h)
_dnsbl_scan_rbl_opts='-H --host -U --url -s --server -w --warning -c --critical -t
    --timeout --query-timeout -r --retry -n --nameserver --workers -a --append -v
    --verbose -d --debug --extra-opts= -V --version -h --help -? --usage'
_dnsbl_scan_history_opts='--state --format --help'
_dnsbl_scan_checks='dnsbl fcrdns spf spf-auth dmarc mx dkim mta-sts tls-rpt bimi ns dnssec origin all'

# The active lists of the catalog the command line names: each id and its zone
# (keyed zones, which hold a {key} placeholder, by id only).
_dnsbl_scan_list_names()
{
    local exe=${words[0]} i
    local -a args=(lists)
    [[ $exe == \~* ]] && exe=dnsbl-scan
    for ((i = 2; i < cword; i++)); do
        if [[ ${words[i]} == --lists && -n ${words[i + 1]} ]]; then
            args+=(--lists "${words[i + 1]}")
        fi
    done
    "$exe" "${args[@]}" 2>/dev/null |
        awk 'NR > 1 && /^[^ ]/ && $NF == "active" { print $1; if ($2 !~ /[{]/) print $2 }'
}

_dnsbl_scan()
{
    local cur prev words cword split
    _init_completion -s || return

    if ((cword == 1)); then
        COMPREPLY=($(compgen -W 'check scan lists history nagios --help --version' -- "$cur"))
        return
    fi
    local cmd=${words[1]} opts formats='text json csv summary'
    case $cmd in
        check | scan) opts=$_dnsbl_scan_scan_opts ;;
        lists) opts=$_dnsbl_scan_lists_opts formats='text json' ;;
        history) opts=$_dnsbl_scan_history_opts formats='text json' ;;
        nagios)
            _dnsbl_scan_rbl
            return
            ;;
        *) return ;;
    esac

    case $prev in
        --format)
            COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            return
            ;;
        --checks)
            # a comma-separated list: complete the word after the last comma
            local done= last=$cur
            if [[ $cur == *,* ]]; then
                done=${cur%,*},
                last=${cur##*,}
            fi
            COMPREPLY=($(compgen -P "$done" -W "$_dnsbl_scan_checks" -- "$last"))
            [[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace
            return
            ;;
        --list)
            COMPREPLY=($(compgen -W "$(_dnsbl_scan_list_names)" -- "$cur"))
            return
            ;;
        --expand)
            local done= last=$cur
            if [[ $cur == *,* ]]; then
                done=${cur%,*},
                last=${cur##*,}
            fi
            COMPREPLY=($(compgen -P "$done" -W 'mx spf a' -- "$last"))
            [[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace
            return
            ;;
        --lists | --state | --delta | --prom | --trust-anchor)
            _filedir
            return
            ;;
        --config | -c)
            _filedir '@(yaml|yml)'
            return
            ;;
        --on-change)
            COMPREPLY=($(compgen -c -- "$cur"))
            return
            ;;
        --resolver | --concurrency | --channels | --timeout | --tries | --rate | \
            --spf-domain | --warning | --critical | -w | --anomaly-share)
            return # a value the user knows; nothing to offer
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    elif [[ $cur == @* && ($cmd == check || $cmd == scan) ]]; then
        # @FILE: a file of targets
        local IFS=$'\n'
        COMPREPLY=($(compgen -P @ -f -- "${cur#@}"))
    fi
} &&
    complete -F _dnsbl_scan dnsbl-scan

# check_rbl's options, for the check_rbl link and `dnsbl-scan nagios`.
_dnsbl_scan_rbl()
{
    local cur prev words cword split
    _init_completion -s || return
    case $prev in
        -s | --server)
            COMPREPLY=($(compgen -W "$(_dnsbl_scan_list_names)" -- "$cur"))
            return
            ;;
        -H | --host | -U | --url | -w | --warning | -c | --critical | -t | --timeout | \
            --query-timeout | -r | --retry | -n | --nameserver | --workers | -a | --append)
            return # a value the user knows
            ;;
    esac
    $split && return
    if [[ $cur == --extra-opts=*@* ]]; then
        local IFS=$'\n' head=${cur%%@*}@
        COMPREPLY=($(compgen -P "$head" -f -- "${cur#*@}"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_dnsbl_scan_rbl_opts" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    fi
} &&
    complete -F _dnsbl_scan_rbl check_rbl
