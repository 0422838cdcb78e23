"""People, for organisers: search accounts, change roles, disable an account (ending its sessions), approve
exhibitors and appoint session moderators. Every change is written to the audit log."""
