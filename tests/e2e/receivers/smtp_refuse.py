"""aiosmtpd handlers for the tests: Maildirs like aiosmtpd.handlers.Mailbox
that refuse some recipients or some mail.

Handler refuses every recipient whose address begins with "gone@" (550, as a
server does for a mailbox that no longer exists), and one whose address
begins with "full@" (452, "mailbox full, try later") the first two times it
is named, then takes it; one whose address begins with "busy@" is answered
503 ("bad sequence of commands", which says nothing of the recipient) the
first time.

BrokenData answers the first mail's end of DATA with 500 and then, as a
server in a bad state does, keeps that transaction open on the connection:
a MAIL FROM on the same connection is answered 503 "nested MAIL command".
A new connection is served as usual.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_refuse.Handler MAILDIR
(with this directory on PYTHONPATH)
"""
from aiosmtpd.handlers import Mailbox


class Handler(Mailbox):
    full_refusals = 2
    busy_refusals = 1

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 <%s>: no such user here" % address
        if address.startswith("full@") and self.full_refusals > 0:
            self.full_refusals -= 1
            return "452 4.2.2 <%s>: mailbox full, try later" % address
        if address.startswith("busy@") and self.busy_refusals > 0:
            self.busy_refusals -= 1
            return "503 5.5.1 Error: bad sequence of commands"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class BrokenData(Mailbox):
    broken = 1

    async def handle_DATA(self, server, session, envelope):
        if self.broken > 0:
            self.broken -= 1

            # The server forgets to end the transaction, once.
            def keep_envelope():
                del server._set_post_data_state

            server._set_post_data_state = keep_envelope
            return "500 5.3.0 internal error while storing the mail"
        return await super().handle_DATA(server, session, envelope)
