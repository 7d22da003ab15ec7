#!/usr/bin/env bash
# options.sh — no option is ever silently overwritten (issue 6.6). Every
# command the table lists (as `salesplan --help` shows it) is run with each
# option its --help names given twice, with a valid value: a single-valued
# option must be refused with exit 2 and "--NAME given twice"; the options
# declared repeatable (they accumulate) must not be. The option list comes
# from each command's own --help, so a new command or option is covered
# without editing this file (an option without a sample value below is
# tried with "x").
. "$(dirname "$0")/lib.sh"

# options that accumulate: "command:option"
REPEATABLE=" kpi:where kpi:by review add:cause review add:lesson review add:action funnel:what-if "

# sample: a valid value for option $1 of command $2 (the choices of a
# "--format a|b" are taken from the usage line by the caller)
sample() {
  case $1 in
    as-of | on) echo 2026-10-31 ;;
    since) echo 2026-10-01 ;;
    period) echo 2026-10 ;;
    goal) echo revenue ;;
    rep | owner) echo r002 ;;
    kind) echo stale_followup ;;
    status) echo done ;;
    progress | limit | scale | seed | plan-version | version | step) echo 1 ;;
    reason | cause | lesson | action) echo why ;;
    encoding) echo UTF-8 ;;
    skip-bad) echo rejects.csv ;;
    delimiter) echo tab ;;
    output | o) echo out.txt ;;
    where) echo region=East ;;
    by) echo month ;;
    what-if) echo win_rate=+5pp ;;
    unit) echo yuan ;;
    *) echo x ;;
  esac
}

mapfile -t cmds < <("$SP" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z ]*[a-z]\)  .*/\1/p' | sed 's/ *$//')
[ "${#cmds[@]}" -ge 20 ] && ok "--help lists ${#cmds[@]} commands" || not_ok "--help lists only ${#cmds[@]} commands"

tested=0
for cmd in "${cmds[@]}"; do
  # the options of the usage text: "--name", "--name VALUE", "--name a|b"
  usage=$("$SP" $cmd --help | sed -n '/^Usage:/,$p')
  mapfile -t opts < <(printf '%s\n' "$usage" | grep -oE -- '--[a-z][a-z-]*( [A-Za-z][A-Za-z0-9_.,=|-]*)?' | sort -u)
  # per option, the spec that shows its value (a placeholder or choices)
  # wins over a mention in the prose ("--as-of date (default ...)")
  declare -A best=()
  for spec in "${opts[@]}"; do
    name=${spec%% *}; name=${name#--}
    case $name in db | plan | lang | help) continue ;; esac   # global options: below
    case ${spec#--"$name"} in
      " "[A-Z]* | *"|"*) best[$name]=$spec ;;
      *) [ -n "${best[$name]:-}" ] || best[$name]=$spec ;;
    esac
  done
  for name in "${!best[@]}"; do
    spec=${best[$name]}
    arg=()
    if [ "$spec" != "--$name" ]; then
      val=${spec#* }
      case $val in
        *"|"*) v=${val%%|*} ;;                 # the first of the choices
        [A-Z]*) v=$(sample "$name") ;;         # a placeholder: a valid sample
        *) v= ;;                               # a word after a flag: not its value
      esac
      [ -n "$v" ] && arg=("$v")
    fi
    # flags whose next word in the usage is prose ("--help for", "--force to")
    # are still flags: getopt tells us by its message below
    tested=$((tested + 1))
    # shellcheck disable=SC2086
    "$SP" $cmd "--$name" "${arg[@]}" "--$name" "${arg[@]}" >"$WORK/.out" 2>"$WORK/.err"
    rc=$?
    err=$(cat "$WORK/.err")
    if [[ $REPEATABLE == *" $cmd:$name "* ]]; then
      case $err in
        *"given twice"*) not_ok "$cmd --$name accumulates, not refused (exit $rc: ${err:0:200})" ;;
        *) ok "$cmd --$name may repeat" ;;
      esac
    else
      if [ "$rc" = 2 ] && [[ $err == *"--$name given twice"* ]]; then
        ok "$cmd --$name twice: exit 2, named"
      else
        not_ok "$cmd --$name twice (exit $rc, wanted 2 and '--$name given twice'; stderr: ${err:0:200})"
      fi
    fi
  done
  unset best
done
[ "$tested" -ge 40 ] && ok "$tested command options tried" || not_ok "only $tested command options tried"

# the global options, before and after the command, and as --opt=VALUE
for g in "--db a.db --db b.db" "--plan a --plan=b" "--lang zh --lang en"; do
  # shellcheck disable=SC2086
  expect_rc 2 "global ${g%% *} twice" "$SP" $g status
  contains "global ${g%% *} twice is named" "$ERR" "${g%% *} given twice"
done
expect_rc 2 "global --plan before and after the command" "$SP" --plan a status --plan b
contains "and named" "$ERR" "--plan given twice"

# the hand-read options of `actual` (a negative VALUE is no option)
expect_rc 2 "actual --on twice" "$SP" actual nps 1 --on 2026-10-01 --on=2026-10-02
contains "actual --on twice is named" "$ERR" "--on given twice"

# in Chinese too
LANG=zh_CN.UTF-8 expect_rc 2 "zh: --period twice" "$SP" kpi revenue --period 2026 --period 2025
contains "zh: named in Chinese" "$ERR" "--period 重复给出"

# a value missing at the end is not "unknown option"
expect_rc 2 "kpi --period without a value" "$SP" kpi revenue --period
contains "named as a missing value" "$ERR" "option '--period' needs a value"
finish
