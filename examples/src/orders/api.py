"""HTTP handlers (framework-agnostic: each takes a dict and returns status, body)."""

from __future__ import annotations

from decimal import Decimal

from orders.models import Line, Order

_ORDERS: dict[int, Order] = {}


def create_order(payload: dict) -> tuple[int, dict]:
    lines = [Line(ln["sku"], int(ln["quantity"]), Decimal(ln["unit_price"]))
             for ln in payload.get("lines", [])]
    if not lines:
        return 422, {"error": "an order needs at least one line"}
    order = Order(id=len(_ORDERS) + 1, customer=payload["customer"], lines=lines)
    _ORDERS[order.id] = order
    return 201, {"id": order.id, "total": str(order.total())}


def cancel_order(order_id: int) -> tuple[int, dict]:
    order = _ORDERS.get(order_id)
    if order is None:
        return 404, {"error": f"no order {order_id}"}
    try:
        order.cancel()
    except ValueError as exc:
        return 409, {"error": str(exc)}
    return 200, {"id": order.id, "state": order.state}


def health() -> tuple[int, dict]:
    # FIXME: report real database and cache status instead of a constant
    return 200, {"status": "ok"}
