#!/usr/bin/env bash
# sqlite.sh TREE WORK: an application database in the tree (TREE/Databases/registre.sqlite)
# under a heavy write load: in rollback-journal mode, 30,000 rows inserted in 6 transactions
# (with random binary attachments) and 300 one-row transactions (each one creates, writes and
# deletes a -journal file); in WAL mode, 30,000 rows updated in 5 transactions, 300 one-row
# transactions and a checkpoint; then deletes, a VACUUM (the whole file rewritten), back to
# rollback-journal mode and an integrity_check.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"
benign_init sqlite "$@"
need sqlite3

db=$tree/Databases/registre.sqlite
mkdir -p "$tree/Databases"
rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
sql() { sqlite3 -batch -bail "$db" "$@" >/dev/null || fail "sqlite3 failed on: ${*: -1}"; }

sql 'PRAGMA journal_mode=DELETE;' "CREATE TABLE sejour(id INTEGER PRIMARY KEY, patient TEXT NOT NULL,
  service TEXT NOT NULL, entree TEXT NOT NULL, sortie TEXT, montant REAL, note TEXT, piece BLOB);
  CREATE INDEX sejour_patient ON sejour(patient); CREATE INDEX sejour_service ON sejour(service, entree);"

# Rollback journal: inserts in 6 transactions of 5,000 rows.
for t in 0 1 2 3 4 5; do
  sql "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO sejour(patient, service, entree, montant, note, piece)
    SELECT printf('P%06d', (i * 7919 + $t) % 200000), 'service-' || (i % 23),
           date('2024-01-01', '+' || ((i + $t * 5000) % 365) || ' days'), ((i * 37) % 100000) / 10.0,
           'sejour ' || i || ' lot $t', CASE WHEN i % 10 = 0 THEN randomblob(512) END
    FROM n; COMMIT;"
done
# 300 small transactions in one session, each on its own journal.
{
  echo 'PRAGMA journal_mode=DELETE;'
  for i in $(seq 1 300); do
    echo "UPDATE sejour SET sortie = date(entree, '+3 days'), note = note || ' sortie' WHERE id = $((i * 97));"
  done
} | sqlite3 -batch -bail "$db" >/dev/null || fail "one-row transactions (rollback journal) failed"

# WAL: updates in 5 transactions of 6,000 rows, 300 small transactions, a checkpoint.
sql 'PRAGMA journal_mode=WAL;'
for t in 0 1 2 3 4; do
  sql "BEGIN; UPDATE sejour SET montant = montant * 1.02, note = note || ' revu $t'
    WHERE id > $((t * 6000)) AND id <= $(((t + 1) * 6000)); COMMIT;"
done
{
  for i in $(seq 1 300); do
    echo "INSERT INTO sejour(patient, service, entree, note) VALUES (printf('P%06d', $i), 'urgences', '2024-12-31', 'admission $i');"
  done
  echo 'PRAGMA wal_checkpoint(TRUNCATE);'
} | sqlite3 -batch -bail "$db" >/dev/null || fail "one-row transactions (WAL) failed"

sql 'BEGIN; DELETE FROM sejour WHERE id % 5 = 0; COMMIT;'
sql 'PRAGMA journal_mode=DELETE;'
sql 'VACUUM;'
check=$(sqlite3 -batch "$db" 'PRAGMA integrity_check;') || fail "integrity_check failed to run"
[ "$check" = ok ] || fail "integrity_check: $check"
rows=$(sqlite3 -batch "$db" 'SELECT count(*) FROM sejour;')
[ "$rows" -eq 24240 ] || fail "$rows rows instead of 24240"

echo "sqlite: Databases/registre.sqlite, 30,300 inserts and 30,300 updates (rollback journal and WAL), VACUUM, $rows rows, $(human "$(stat -c %s "$db")"), integrity ok"
