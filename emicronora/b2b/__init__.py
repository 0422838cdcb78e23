"""The B2B brokerage event: profiles, the marketplace, meeting requests, availability, scheduling, agendas."""
