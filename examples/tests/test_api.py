import unittest

from orders import api


class ApiTests(unittest.TestCase):
    def test_create_and_cancel(self):
        status, body = api.create_order(
            {"customer": "ada", "lines": [{"sku": "A", "quantity": 1, "unit_price": "5.00"}]})
        self.assertEqual(status, 201)
        self.assertEqual(api.cancel_order(body["id"])[0], 200)

    def test_empty_order_is_rejected(self):
        self.assertEqual(api.create_order({"customer": "ada"})[0], 422)


if __name__ == "__main__":
    unittest.main()
