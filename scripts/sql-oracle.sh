#!/usr/bin/env bash
# The SQL oracle (docs/sql-model.md): starts a throwaway PostgreSQL cluster (initdb + pg_ctl on a
# Unix socket in a temporary folder, as an unprivileged user when run as root), applies each
# .sql file of the corpus to a fresh database and compares runeguard's schema model with what
# PostgreSQL built (scripts/sql_oracle.py). Exit code 1 on an unexplained difference.
#
#   scripts/sql-oracle.sh [CORPUS_DIR]      (default ../shared/corpus/sql)
#
# Needs PostgreSQL's server binaries (Debian: apt-get install -y postgresql), psql, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus/sql}"
if [ -d "$corpus" ]; then
    corpus="$(realpath "$corpus")"
else
    echo "no corpus at $corpus: only tests/data/sql-oracle is compared"
    corpus=""
fi
pgbin="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$pgbin/initdb" ] || { echo "no PostgreSQL server binaries (set PGBIN or apt-get install postgresql)" >&2; exit 2; }

cargo build -q --bin runeguard
bin="$(realpath target/debug/runeguard)"

tmp="$(mktemp -d /tmp/runeguard-oracle.XXXXXX)"
as_user=()
if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: use an unprivileged user
    user="${ORACLE_USER:-runeguard-oracle}"
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    chown "$user" "$tmp"
    chmod 755 "$tmp"
    as_user=(runuser -u "$user" --)
fi
stop() {
    "${as_user[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap stop EXIT
"${as_user[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
"${as_user[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -w -l "$tmp/log" \
    -o "-k $tmp -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" start >/dev/null
echo "== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on $tmp"
rc=0
# the schema written for the oracle: every object kind the SQL rules read
echo "== tests/data/sql-oracle"
python3 scripts/sql_oracle.py "$(realpath tests/data/sql-oracle)" --host "$tmp" --psql "$pgbin/psql" \
    --runeguard "$bin" || rc=$?
# the real-world corpus (the PostgreSQL regression suite's files fail on purpose: left out)
if [ -n "$corpus" ]; then
    echo "== $corpus"
    python3 scripts/sql_oracle.py "$corpus" --host "$tmp" --psql "$pgbin/psql" --runeguard "$bin" \
        --skip postgres-regression-ddl "${@:2}" || rc=$?
fi
exit $rc
