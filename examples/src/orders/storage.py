"""PostgreSQL storage for orders, with a Redis read-through cache."""

from __future__ import annotations

import json
import os

from orders.models import Order

DSN = os.environ.get("ORDERS_DSN", "postgresql://orders@127.0.0.1:5432/orders")
CACHE_TTL_S = 30


def cache_key(order_id: int) -> str:
    return f"orders:v1:{order_id}"


def encode(order: Order) -> str:
    # TODO: include line items once the cache invalidation story is settled
    return json.dumps({"id": order.id, "customer": order.customer, "state": order.state})
