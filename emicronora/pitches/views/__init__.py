"""The pitch pages: the exhibitor's proposals, the organisers' review and programme."""
