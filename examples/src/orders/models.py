"""Order model and pricing rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

STATES = ("pending", "paid", "shipped", "cancelled")


@dataclass
class Line:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass
class Order:
    id: int
    customer: str
    lines: list[Line] = field(default_factory=list)
    discount_percent: Decimal = Decimal(0)
    state: str = "pending"

    def total(self) -> Decimal:
        gross = sum((ln.unit_price * ln.quantity for ln in self.lines), Decimal(0))
        net = gross * (Decimal(100) - self.discount_percent) / Decimal(100)
        return net.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def cancel(self) -> None:
        if self.state != "pending":
            raise ValueError(f"order {self.id} is {self.state}; only pending orders cancel")
        self.state = "cancelled"
