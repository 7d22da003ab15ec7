#!/usr/bin/env bash
# import_faults.sh — `salesplan import` on hostile and odd inputs: every
# error path of the CSV reader through the real binary (a directory, a FIFO
# with and without a writer, /dev/zero, a dangling symlink and a symlink
# loop — tests run as root, where no permission bit makes a file
# unreadable), NUL bytes, and encoding detection over the whole file (a bad
# byte past the first MiB, on a file and on a pipe). After each refusal the
# workspace is checked with the sqlite3 CLI: nothing was written.
. "$(dirname "$0")/lib.sh"
set -o pipefail

q() { sqlite3 "$SALESPLAN_DB" "$1"; }
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', wanted '$3')"; fi; }
# within SECS CMD...: runs CMD with a time limit (a hang is a failure, exit 124)
within() { local s=$1; shift; timeout -k 2 "$s" "$@"; }

expect_rc 0 "init" "$SP" init --quiet

# ---- paths that are no readable file ----
mkdir "$WORK/dir.csv"
expect_rc 1 "a directory is refused (no crash)" within 10 "$SP" import customers "$WORK/dir.csv"
contains "directory: path and reason" "$ERR" "$WORK/dir.csv: Is a directory"
ln -s /nonexistent/target.csv "$WORK/dangling.csv"
expect_rc 1 "a dangling symlink is refused" within 10 "$SP" import customers "$WORK/dangling.csv"
contains "dangling symlink: path named" "$ERR" "$WORK/dangling.csv: No such file or directory"
ln -s "$WORK/loop_b.csv" "$WORK/loop_a.csv"; ln -s "$WORK/loop_a.csv" "$WORK/loop_b.csv"
expect_rc 1 "a symlink loop is refused" within 10 "$SP" import customers "$WORK/loop_a.csv"
contains "symlink loop: path named" "$ERR" "$WORK/loop_a.csv"
expect_rc 1 "/dev/zero is refused at once" within 10 "$SP" import customers /dev/zero
contains "/dev/zero: not a regular file" "$ERR" "/dev/zero: not a regular file"
mkfifo "$WORK/fifo.csv"
expect_rc 1 "a FIFO nobody writes to does not hang" within 10 "$SP" import customers "$WORK/fifo.csv"
contains "empty FIFO: said to be empty" "$ERR" "the file is empty"
( printf 'customer_id,name\nF1,From a FIFO\n' >"$WORK/fifo.csv" ) &
writer=$!
sleep 0.3
expect_rc 0 "a FIFO with a writer is imported" within 10 "$SP" import customers "$WORK/fifo.csv"
wait "$writer"
eq "FIFO row stored" "$(q "select name from customers where customer_id='F1'")" "From a FIFO"
expect_rc 1 "/dev/zero as standard input ends at once" within 10 sh -c "\"$SP\" import customers - </dev/zero"
contains "/dev/zero on stdin: a NUL byte at line 1" "$ERR" "-:1: a NUL byte in column 1"
eq "nothing else stored" "$(q 'select count(*) from customers')" 1

# ---- NUL bytes ----
printf 'customer_id,name\nN1\0x,A\nN1\0y,B\n' >"$WORK/nul.csv"
expect_rc 1 "a NUL byte in a field is an error" "$SP" import customers "$WORK/nul.csv"
contains "NUL: line and column" "$ERR" "nul.csv:2: a NUL byte in column 1"
eq "NUL: nothing stored" "$(q "select count(*) from customers where customer_id like 'N1%'")" 0

# ---- encoding detection looks at the whole file ----
big() { # big N: a customers header and N plain ASCII rows
  printf 'customer_id,name\n'; seq 1 "$1" | sed 's/.*/A&,plain &/'
}
big 80000 >"$WORK/latin1.csv"        # 1.3 MB of ASCII, more than the first MiB
printf 'L1,Caf\xe9s Paris\n' >>"$WORK/latin1.csv"
expect_rc 1 "Latin-1 after the first MiB: refused" "$SP" import customers "$WORK/latin1.csv"
contains "Latin-1: its line and --encoding" "$ERR" "latin1.csv:80002: the file is neither UTF-8 nor GB18030 text: name its encoding with --encoding"
eq "Latin-1: nothing stored" "$(q "select count(*) from customers where customer_id like 'A%'")" 0
expect_rc 0 "Latin-1 named with --encoding" "$SP" import customers "$WORK/latin1.csv" --encoding LATIN1 --quiet
eq "Latin-1 decoded" "$(q "select name from customers where customer_id='L1'")" "Cafés Paris"

big 80000 >"$WORK/late_gbk.csv"
printf '客户,某某科技\n' | iconv -t GBK >>"$WORK/late_gbk.csv"
sqlite3 "$SALESPLAN_DB" "delete from customers"
expect_rc 0 "GBK after the first MiB: a file" "$SP" import customers "$WORK/late_gbk.csv"
contains "late GBK file: the summary names GB18030" "$OUT" "(GB18030)"
eq "late GBK file: decoded" "$(q "select name from customers where customer_id='客户'")" "某某科技"
sqlite3 "$SALESPLAN_DB" "delete from customers"
expect_rc 0 "GBK after the first MiB: a pipe" sh -c "cat \"$WORK/late_gbk.csv\" | \"$SP\" import customers -"
contains "late GBK pipe: the summary names GB18030" "$OUT" "(GB18030)"
eq "late GBK pipe: decoded" "$(q "select name from customers where customer_id='客户'")" "某某科技"

{ printf 'customer_id,name\n'; for i in $(seq 1 30); do printf 'U%s,客户%s\n' "$i" "$i"; done
  printf 'U99,bad \xff byte\n'; printf 'U100,客户\n'; } >"$WORK/utf8_bad.csv"
expect_rc 1 "UTF-8 with one bad byte: refused" "$SP" import customers "$WORK/utf8_bad.csv"
contains "UTF-8 bad byte: its line, as UTF-8" "$ERR" "utf8_bad.csv:32: not valid UTF-8"
case $ERR in *GB18030\ byte*) not_ok "UTF-8 bad byte: not called GB18030" ;; *) ok "UTF-8 bad byte: not called GB18030" ;; esac
# the same two files through a pipe (decided by the chunk that holds the
# first non-ASCII byte): the same errors at the same lines
sqlite3 "$SALESPLAN_DB" "delete from customers"
expect_rc 1 "UTF-8 with one bad byte, piped: refused" sh -c "cat \"$WORK/utf8_bad.csv\" | \"$SP\" import customers -"
contains "UTF-8 bad byte, piped: its line" "$ERR" "-:32: not valid UTF-8"
expect_rc 1 "Latin-1 after the first MiB, piped: refused" sh -c "cat \"$WORK/latin1.csv\" | \"$SP\" import customers -"
contains "Latin-1, piped: its line" "$ERR" "-:80002: the file is neither UTF-8 nor GB18030 text"
eq "piped refusals: nothing stored" "$(q "select count(*) from customers")" 0

finish
