import unittest
from decimal import Decimal

from orders.models import Line, Order


class OrderTests(unittest.TestCase):
    def test_total_applies_discount_and_rounds(self):
        order = Order(1, "ada", [Line("A", 3, Decimal("9.99"))], Decimal(10))
        self.assertEqual(order.total(), Decimal("26.97"))

    def test_only_pending_orders_cancel(self):
        order = Order(2, "bob", state="shipped")
        with self.assertRaises(ValueError):
            order.cancel()


if __name__ == "__main__":
    unittest.main()
