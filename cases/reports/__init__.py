"""The progress report (PRODUCT §4.8): snapshots and the documents made from them."""
