"""The e-Micronora demo: a programme modelled on the 2020 online edition, companies and one account per role.

`data` holds the content as plain typed constants; `seed.seed_demo` turns it into rows.
"""
