"""The municipality's profile: name, NIS code, departments, opening hours, branding."""
