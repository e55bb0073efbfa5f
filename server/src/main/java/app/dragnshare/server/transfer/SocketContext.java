package app.dragnshare.server.transfer;

import app.dragnshare.server.auth.Tokens;
import app.dragnshare.server.session.Inbox;
import app.dragnshare.server.session.Presence;
import app.dragnshare.server.session.SessionStore;

/** What every sharer socket of this server instance shares. */
public record SocketContext(Tokens tokens,
                            SessionStore store,
                            Presence presence,
                            Inbox inbox,
                            Relay relay,
                            RelayTap tap,
                            TransferSettings settings,
                            OpenSockets sockets,
                            LivenessMarks marks) {
}
