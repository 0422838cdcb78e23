"""B2B meetings, the participant's side: requests and their answers, availability, the meeting agenda with
self-booking and cancelling; and the organisers' rules and approvals of acceptances."""
