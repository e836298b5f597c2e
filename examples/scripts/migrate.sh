#!/bin/sh
# Apply pending schema migrations.
set -eu
for f in migrations/*.sql; do
  psql --single-transaction -v ON_ERROR_STOP=1 -f "$f" "$ORDERS_DSN"
done
