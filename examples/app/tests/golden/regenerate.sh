#!/usr/bin/env bash
# Regenerates the golden files of tests/diesel_schema.rs: `diesel print-schema`
# run on databases the example application upgraded to head, on PostgreSQL,
# MariaDB and SQLite. Needs diesel_cli
# (`cargo install diesel_cli --no-default-features --features postgres,mysql,sqlite`)
# and the servers of .ci/run (PostgreSQL at 127.0.0.1:5432, user postgres;
# MariaDB at 127.0.0.1:3306, user root). Each database is its own, dropped
# afterwards.
#
# The options are those of the diesel.toml `diesel setup` writes
# (custom_type_derives), and on SQLite `--sqlite-integer-primary-key-is-bigint`:
# without it an INTEGER PRIMARY KEY is `Integer` while the BIGINT column
# referencing it is `BigInt`, and the `joinable!` between them does not compile.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../../../.."
pg=postgres://postgres@127.0.0.1:5432
my=mysql://root@127.0.0.1:3306
db=godwit_golden_$$
work="$(mktemp -d)"
cleanup() {
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build -q --manifest-path "$root/Cargo.toml" -p godwit-example --features postgres,mysql
bin="${CARGO_TARGET_DIR:-$root/target}/debug/godwit-example"

psql -q "$pg/postgres" -c "CREATE DATABASE $db"
mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE $db"
derives=(--custom-type-derives diesel::query_builder::QueryId --custom-type-derives Clone)
for target in "postgres $pg/$db" "mariadb $my/$db" "sqlite $work/app.db"; do
    set -- $target
    DATABASE_URL="$2" "$bin" upgrade >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; exit 1; }
    extra=()
    [ "$1" = sqlite ] && extra=(--sqlite-integer-primary-key-is-bigint)
    diesel print-schema --database-url "$2" "${derives[@]}" "${extra[@]}" \
        >"$here/print-schema-$1.rs"
    echo "wrote $here/print-schema-$1.rs"
done
