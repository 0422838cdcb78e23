"""The video channel's handlers: the public gallery and video pages, and the exhibitor area's videos."""
