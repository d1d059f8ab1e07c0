#!/usr/bin/env zsh
# SPDX-License-Identifier: MIT
# Print the candidates zsh's completion system offers for a command line, one
# per line: zsh-complete.zsh FPATH_DIR 'dnsbl-scan check --fo'. An interactive
# zsh runs in a pseudo-terminal, and compadd is wrapped to print what it is
# given (the technique of zsh-capture-completion).
zmodload zsh/zpty || exit 77
zmodload zsh/datetime zsh/zselect
dir=$1 line=$2
zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT= fpath=(${(q)dir} \$fpath)"
zpty -w z 'autoload -Uz compinit; compinit -u -D'
zpty -w z "zstyle ':completion:*' list-grouped false"
zpty -w z "zstyle ':completion:*' insert-tab false"
zpty -w z 'zmodload zsh/zutil'
# Markers are bytes 1, 2 and 3, written as $'\x01' so that the terminal's echo
# of this source text never looks like a marker.
zpty -w z 'compadd () {
  [[ ${@[1,-1]} == *-O* || ${@[1,-1]} == *-A* || ${@[1,-1]} == *-D* ]] && { builtin compadd "$@"; return }
  typeset -a __hits __dscr __tmp
  if (( $@[(I)-d] )); then __tmp=${@[$[${@[(i)-d]}+1]]}; [[ $__tmp == \(* ]] && eval "__dscr=$__tmp" || __dscr=( "${(@P)__tmp}" ); fi
  builtin compadd -A __hits -D __dscr "$@"
  setopt localoptions norcexpandparam extendedglob
  typeset -A apre hpre hsuf asuf
  zparseopts -E P:=apre p:=hpre S:=asuf s:=hsuf
  local i; for i in {1..$#__hits}; do print -r -- $'"'"'\x01'"'"'"${apre[-P]}${__hits[$i]}${asuf[-S]}"$'"'"'\x02'"'"'; done
}'
# TAB runs the completion system, then marks the end and leaves. One key: a
# second one typed ahead could be lost while completion runs a command (zsh
# flushes type-ahead when it hands the terminal over).
zpty -w z 'complete-and-finish () { _main_complete; print $'"'"'\x03'"'"'; exit }'
zpty -w z 'zle -C complete-and-finish complete-word complete-and-finish'
zpty -w z 'bindkey -e; bindkey "^I" complete-and-finish'
zpty -n -w z "$line"$'\t'
float deadline=$(( EPOCHREALTIME + 30 ))
local out buf
while (( EPOCHREALTIME < deadline )); do
  zpty -r -t z out || { zselect -t 2; continue }   # 20 ms, without a fork
  buf+=$out   # a read may end inside a marked candidate
  while [[ $buf == *$'\x01'*$'\x02'* ]]; do
    local hit=${buf#*$'\x01'}; hit=${hit%%$'\x02'*}
    print -r -- "$hit"
    buf=${buf#*$'\x02'}
  done
  [[ $buf == *$'\x03'* ]] && break
done
zpty -d z
(( EPOCHREALTIME < deadline ))   # exit 1 when it timed out
