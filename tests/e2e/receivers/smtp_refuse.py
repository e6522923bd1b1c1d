"""An aiosmtpd handler for the tests: a Maildir like aiosmtpd.handlers.Mailbox
that refuses every recipient whose address begins with "gone@" (550, as a
server does for a mailbox that no longer exists).

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_refuse.Handler MAILDIR
(with this directory on PYTHONPATH)
"""
from aiosmtpd.handlers import Mailbox


class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
