#!/usr/bin/env bash
# cli.sh — the command-line conventions: --help on every command, --version,
# exit codes, a clear error without a workspace, languages.
. "$(dirname "$0")/lib.sh"

expect_rc 0 "--version" "$SP" --version
contains "--version prints the version" "$OUT" "salesplan 0."
expect_rc 0 "--help" "$SP" --help
contains "--help lists kpi" "$OUT" "kpi"
expect_rc 2 "no command is a usage error" "$SP"
expect_rc 2 "unknown command" "$SP" frobnicate
contains "unknown command is named" "$ERR" "frobnicate"

# every command in the table (as --help lists it) answers --help with exit 0
# and its Usage line, in English and in Chinese
mapfile -t cmds < <("$SP" --help | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z ]*[a-z]\)  .*/\1/p' | sed 's/ *$//')
[ "${#cmds[@]}" -ge 20 ] && ok "--help lists ${#cmds[@]} commands" || not_ok "--help lists only ${#cmds[@]} commands"
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  LANG=zh_CN.UTF-8 expect_rc 0 "$cmd --help (zh)" "$SP" $cmd --help
  contains "$cmd --help in Chinese" "$OUT" "用法：salesplan $cmd"
done
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  expect_rc 0 "$cmd --help" "$SP" $cmd --help
  contains "$cmd --help shows usage" "$OUT" "Usage: salesplan $cmd"
done
expect_rc 0 "plan --help lists the sub-commands" "$SP" plan --help
contains "plan group lists import" "$OUT" "plan import"

# no workspace: a clear message, exit 2, nothing created
expect_rc 1 "kpi without a workspace" "$SP" kpi revenue --period 2026
contains "missing workspace names init" "$ERR" "salesplan init"
[ ! -e "$SALESPLAN_DB" ] && ok "no workspace file was created" || not_ok "a workspace file was created"

expect_rc 0 "init" "$SP" init
contains "init reports the schema" "$OUT" "schema version"
expect_rc 0 "init again keeps the workspace" "$SP" init --quiet
expect_rc 0 "--db names another workspace" "$SP" --db "$WORK/other.db" init --quiet
[ -f "$WORK/other.db" ] && ok "--db file created" || not_ok "--db file missing"

# not a database
echo "hello, this is not a database at all, just a text file with some length" >"$WORK/junk.db"
expect_rc 1 "a file that is not a workspace" "$SP" --db "$WORK/junk.db" plan list
contains "not a workspace is said" "$ERR" "not a salesplan workspace"

# a workspace from the future is refused
"$SP" --db "$WORK/future.db" init --quiet
sqlite3 "$WORK/future.db" "PRAGMA user_version = 999"
expect_rc 1 "a newer workspace is refused" "$SP" --db "$WORK/future.db" plan list
contains "newer schema is explained" "$ERR" "newer than this salesplan"

# Chinese: LANG and --lang
LANG=zh_CN.UTF-8 expect_rc 0 "help in Chinese (LANG)" "$SP" --help
contains "Chinese overview" "$OUT" "命令"
expect_rc 0 "help in Chinese (--lang zh)" "$SP" --lang zh kpi --help
contains "Chinese kpi help" "$OUT" "用法"
expect_rc 2 "unknown --lang" "$SP" --lang fr --help


# system and SQLite errors in the user's language, said once
expect_rc 1 "init in a directory that does not exist (zh)" "$SP" --lang zh --db "$WORK/no/such/dir/ws.db" init
contains "… says it cannot open the file, in Chinese" "$ERR" "无法打开该文件"
check "… once, with no English from SQLite" test "$(printf '%s\n' "$ERR" | grep -c .)" = 1 -a -z "$(printf '%s' "$ERR" | grep -i 'unable to open')"
"$SP" --db "$WORK/ws-errs.db" init >/dev/null 2>&1
expect_rc 1 "import of a missing file (zh)" "$SP" --lang zh --db "$WORK/ws-errs.db" import deals "$WORK/missing.csv"
contains "… says so in Chinese" "$ERR" "文件或目录不存在"

# libcurl and libmicrohttpd are loaded only by the commands that use them
# (src/util/dynload.h): a query starts without them and their dependencies
libs=$(LD_DEBUG=libs "$SP" --version 2>&1 >/dev/null | grep -c "calling init: .*\(libcurl\|libmicrohttpd\|libgnutls\)")
[ "$libs" = 0 ] && ok "--version loads neither libcurl nor libmicrohttpd" || not_ok "--version loaded $libs of libcurl/libmicrohttpd/libgnutls"

finish
