#!/bin/sh
# Nightly logical backup of the orders database.
set -eu
: "${ORDERS_DSN:?ORDERS_DSN is required}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
pg_dump --format=custom --file "backups/orders-$stamp.dump" "$ORDERS_DSN"
