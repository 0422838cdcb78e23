"""Innovation videos: uploads and provider links, the public gallery ("la chaîne e-Micronora")."""
