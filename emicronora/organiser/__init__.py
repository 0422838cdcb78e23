"""The organiser console's home: the overview at /organiser/ of every day, theme, session and speaker, with
the actions on each. The pages those actions lead to belong to their areas (the programme's editing pages
are `programme.routes.organiser_routes`), all mounted under /organiser by the app."""
