"""The showroom's handlers, by audience: the public pages, the exhibitor area, the organisers."""
