"""The themed programme: days, themes, webinars and pitch sessions, speakers, personal agendas."""
