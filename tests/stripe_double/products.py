"""Products: create, retrieve, update (what membership.stripe_prices does to a level's Product)."""

from __future__ import annotations

from .core import ID, StripeCore
from .fixtures import from_fixture
from .wire import JSON, _bool, _error, _list, _metadata, _opt_str, _str


class Products(StripeCore):
    stores = {"products": "product"}
    routes = (
        ("POST", "/v1/products", "_create_product", "ProductCreateParams"),
        ("GET", f"/v1/products/{ID}", "_get_product", "ProductRetrieveParams"),
        ("POST", f"/v1/products/{ID}", "_update_product", "ProductUpdateParams"),
    )
    products: dict[str, JSON]

    def _create_product(self, p: JSON) -> JSON:
        name = p.get("name")
        if not name:
            raise _error("Missing required param: name.", "name", "parameter_missing")
        product_id = p.get("id") or self._new_id("prod_")
        if product_id in self.products:
            raise _error("Product already exists.", "id", "resource_already_exists")
        product = from_fixture(
            "product",
            active=_bool(p.get("active", True), "active"),
            created=self.now,
            default_price=None,
            description=_opt_str(p, "description"),
            id=product_id,
            images=_list(p.get("images"), "images"),
            livemode=False,
            marketing_features=[],
            metadata=_metadata({}, p.get("metadata")),
            name=_str(name, "name"),
            package_dimensions=None,
            shippable=None,
            statement_descriptor=_opt_str(p, "statement_descriptor"),
            tax_code=_opt_str(p, "tax_code"),
            unit_label=_opt_str(p, "unit_label"),
            updated=self.now,
            url=_opt_str(p, "url"),
            type="service",
        )
        self.products[product_id] = product
        self.event("product.created", product)
        return self.view(product)

    def _get_product(self, p: JSON, product_id: str) -> JSON:
        return self.view(self._get("products", product_id))

    def _update_product(self, p: JSON, product_id: str) -> JSON:
        product = self._get("products", product_id)
        if "name" in p and not p["name"]:
            raise _error("You cannot unset the product name.", "name")
        if "default_price" in p and p["default_price"] not in ("", None):
            price = self._get("prices", p["default_price"], param="default_price", status=400)
            if price["product"] != product_id:
                raise _error("The default price must belong to this product.", "default_price")

        def change(obj: JSON) -> None:
            for name in ("name", "description", "statement_descriptor", "unit_label", "url"):
                if name in p:
                    obj[name] = _opt_str(p, name)
            if "active" in p:
                obj["active"] = _bool(p["active"], "active")
            if "default_price" in p:
                obj["default_price"] = _opt_str(p, "default_price")
            if "images" in p:
                obj["images"] = _list(p["images"], "images")
            obj["metadata"] = _metadata(obj["metadata"], p.get("metadata"))
            if obj != before:
                obj["updated"] = self.now

        before = self.view(product)
        self._changed(product, "product.updated", change)
        return self.view(product)
