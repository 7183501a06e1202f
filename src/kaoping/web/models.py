"""The web app has no models of its own.

The account-security state it once held (``LoginFailure``, the login throttle's memory, and
``AccountState``) belongs to the accounts, in ``kaoping.orgs.models``: orgs creates users and sets
passwords, and orgs sits below the web in the layers (docs/architecture.md). The tables keep their
names (``web_loginfailure``, ``web_accountstate``); the move changed Django's state only.
"""
