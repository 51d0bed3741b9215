"""The demo city (`manage.py seed_demo`): reference data, staff, the rectification
programme, referral batches and citizen reports, all created through the services.

`city.seed()` runs it all; `hooks.demo_seeded` lets other apps add their part (the public
site's pages come from `cms`, which `cases` never imports).
"""
