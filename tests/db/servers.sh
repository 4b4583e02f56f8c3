# tests/db/servers.sh — start/stop throwaway MariaDB and PostgreSQL servers for tests.
# Sourced after tests/lib.sh. Servers run as an unprivileged user in $TMP on a private
# socket (no network), and are stopped by ks_db_stop_all (call it from the EXIT trap).
KS_DB_USER=${KS_DB_USER:-nobody}
KS_MDB_PID=""
KS_PG_DIR=""

# Runs a command as the unprivileged user when we are root (servers refuse root).
ks_as_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$KS_DB_USER" -- "$@"
  else
    "$@"
  fi
}

ks_have_mariadb() { command -v mariadbd >/dev/null && command -v mariadb-install-db >/dev/null && command -v mariadb >/dev/null; }
ks_have_pg() { [ -x "$(ks_pg_bin)/initdb" ]; }
ks_pg_bin() { ls -d /usr/lib/postgresql/15/bin 2>/dev/null || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n1; }

# ks_mdb_start DIR [extra mariadbd options...] — sets MDB_SOCK; binlog in DIR/data/binlog.*
ks_mdb_start() {
  local dir=$1; shift
  mkdir -p "$dir/data" "$dir/run"
  chmod 777 "$TMP" 2>/dev/null || true
  [ "$(id -u)" = 0 ] && chown -R "$KS_DB_USER" "$dir"
  ks_as_user mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/install.log" 2>&1 || { echo "mariadb-install-db failed: $(tail -n 5 "$dir/install.log")"; return 1; }
  MDB_SOCK=$dir/run/mysqld.sock
  ks_as_user mariadbd --no-defaults --datadir="$dir/data" --socket="$MDB_SOCK" --skip-networking \
    --pid-file="$dir/run/mysqld.pid" --log-error="$dir/error.log" --innodb-buffer-pool-size=16M \
    --innodb-log-file-size=8M --skip-grant-tables=0 "$@" >/dev/null 2>&1 &
  KS_MDB_PID=$!
  local i
  for i in $(seq 1 150); do
    [ -S "$MDB_SOCK" ] && mariadb --no-defaults -S "$MDB_SOCK" -uroot -e 'select 1' >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "mariadbd did not start: $(tail -n 20 "$dir/error.log")"
  return 1
}
ks_mdb() { mariadb --no-defaults --default-character-set=utf8mb4 -S "$MDB_SOCK" -uroot "$@"; }
ks_mdb_stop() {
  if [ -n "$KS_MDB_PID" ]; then
    mariadb-admin --no-defaults -S "$MDB_SOCK" -uroot shutdown >/dev/null 2>&1 || kill "$KS_MDB_PID" 2>/dev/null
    wait "$KS_MDB_PID" 2>/dev/null
    KS_MDB_PID=""
  fi
}

# ks_pg_start DIR [postgresql.conf lines...] — sets PG_SOCKDIR, PG_PORT
ks_pg_start() {
  local dir=$1; shift
  local bin; bin=$(ks_pg_bin)
  mkdir -p "$dir"
  chmod 777 "$TMP" 2>/dev/null || true
  [ "$(id -u)" = 0 ] && chown -R "$KS_DB_USER" "$dir"
  ks_as_user "$bin/initdb" -D "$dir/data" -U postgres -A trust >"$dir/initdb.log" 2>&1 || { echo "initdb failed: $(tail -n 5 "$dir/initdb.log")"; return 1; }
  PG_SOCKDIR=$dir
  PG_PORT=${PG_PORT:-$((20000 + RANDOM % 20000))}
  { echo "listen_addresses = ''"; echo "unix_socket_directories = '$dir'"; echo "port = $PG_PORT"
    local l; for l in "$@"; do echo "$l"; done; } >> "$dir/data/postgresql.conf"
  ks_as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1 || { echo "pg_ctl start failed: $(tail -n 20 "$dir/server.log")"; return 1; }
  KS_PG_DIR=$dir
}
ks_psql() { psql -X -q -h "$PG_SOCKDIR" -p "$PG_PORT" -U postgres "$@"; }
ks_pg_stop() {
  if [ -n "$KS_PG_DIR" ]; then
    ks_as_user "$(ks_pg_bin)/pg_ctl" -D "$KS_PG_DIR/data" -m fast -w stop >/dev/null 2>&1
    KS_PG_DIR=""
  fi
}
ks_db_stop_all() { ks_mdb_stop; ks_pg_stop; rm -rf "$TMP"; }
