"""Who may do what: users and roles, tokens and sign-in links, permissions and scopes, privacy, audit."""
