"""What the accounts app announces to higher apps (see tisser.core.hooks)."""

from tisser.core import hooks

MEMBER_INVITED = hooks.declare(
    "member.invited",
    "An invitation to join an organisation was created: the notifications app records and "
    "sends its e-mail. Payload: invitation.",
)
