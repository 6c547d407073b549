"""People: members of a project and their roles, invitations to join, personal API tokens.

Who may do what is decided in ``curation.access``; this package changes who is who.
"""
from curation.services.people.invitations import (
    accept_invitation, create_invitation, revoke_invitation, sign_up_and_accept,
)
from curation.services.people.members import add_member, change_role, remove_member
from curation.services.people.tokens import authenticate, create_token, revoke_token

__all__ = [
    "accept_invitation", "add_member", "authenticate", "change_role", "create_invitation",
    "create_token", "remove_member", "revoke_invitation", "revoke_token", "sign_up_and_accept",
]
