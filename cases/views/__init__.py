"""Public (citizen-facing) views. Staff views live in cases/admin_views/."""
