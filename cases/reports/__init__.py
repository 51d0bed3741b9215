"""The progress report (docs/product.md §4.8): snapshots and the documents made from them."""
