"""Sign-in, assurance levels, representation mandates, staff and their roles."""
