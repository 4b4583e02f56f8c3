#!/usr/bin/env bash
# db sql: statements split by the lexer (not by lines), classified, objects named; --group turns
# 3000 application queries into a handful of shapes and leaves the attacker's one-offs at 1.
source "$(dirname "$0")/../lib.sh"

python3 - "$TMP/app.sql" <<'PY'
import random, sys
random.seed(7)
with open(sys.argv[1], 'w') as f:
    for i in range(1000):
        f.write(f"SELECT name, email FROM users WHERE id = {random.randint(1, 10**6)};\n")
        f.write(f"INSERT INTO orders (user_id, total) VALUES ({i}, {random.random()*100:.2f}), ({i+1}, 1.00);\n")
        f.write(f"UPDATE sessions SET seen = '{i}' WHERE token = 'tok{i}' AND user_id IN ({i}, {i+1}, {i+2});\n")
    f.write("SELECT table_name FROM information_schema.tables WHERE table_schema = database();\n")
    f.write("SELECT * FROM cards INTO OUTFILE '/tmp/x; y';\n")
    f.write("GRANT ALL ON *.* TO 'evil'@'%';\n")
    f.write("DROP TABLE cards;\n")
PY
"$KS" db sql --group "$TMP/app.sql" > "$TMP/g.txt"
expect_eq shapes_count "$(wc -l < "$TMP/g.txt")" 7
expect_grep app_select_grouped '^ +1000  [0-9a-f]{16}  select name, email from users where id = \?$' "$TMP/g.txt"
expect_grep app_insert_grouped '^ +1000  [0-9a-f]{16}  insert into orders\(user_id, total\) values\(\?\+\)$' "$TMP/g.txt"
expect_grep app_update_grouped '^ +1000  .*update sessions set seen = \? where token = \? and user_id in\(\?\+\)$' "$TMP/g.txt"
expect_grep attacker_one_off '^ +1  .*grant all on \*\.\* to \?@\?$' "$TMP/g.txt"
"$KS" db sql "$TMP/app.sql" > "$TMP/c.txt"
expect_eq statements_split_by_lexer "$(wc -l < "$TMP/c.txt")" 3004
expect_grep outfile_flag '^read +SELECT +read:cards \[outfile\]$' "$TMP/c.txt"
expect_grep grant_dcl '^dcl +GRANT +grant:\*\.\*$' "$TMP/c.txt"
expect_grep drop_ddl '^ddl +DROP TABLE +drop:cards$' "$TMP/c.txt"
printf "SELECT 'unterminated" | "$KS" db sql --format jsonl - > "$TMP/u.jsonl"
expect_grep unterminated_flag '"flags":\["unterminated"\]' "$TMP/u.jsonl"
printf 'SELECT $$a;b$$, 1; SELECT 2' | "$KS" db sql --dialect pg - > "$TMP/pg.txt"
expect_eq pg_dollar_quote_not_split "$(wc -l < "$TMP/pg.txt")" 2
printf 'SELECT "\033[31mred"' | "$KS" db sql --format jsonl - > "$TMP/esc.jsonl"
expect_grep escape_in_json '\\u001b\[31mred' "$TMP/esc.jsonl"
