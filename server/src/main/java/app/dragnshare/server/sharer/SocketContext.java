package app.dragnshare.server.sharer;

import java.util.concurrent.Semaphore;

import app.dragnshare.server.auth.Tokens;
import app.dragnshare.server.session.Inbox;
import app.dragnshare.server.session.Presence;
import app.dragnshare.server.session.SessionStore;
import app.dragnshare.server.sharer.SharerUpkeep;
import app.dragnshare.server.wakeup.Wakeups;
import app.dragnshare.server.relay.LivenessMarks;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.relay.TransferSettings;

/**
 * What every sharer socket of this server instance shares; {@code outgoing} holds one permit per
 * transfer this instance's sockets may serve at once (MAX_TRANSFERS_PER_INSTANCE).
 */
public record SocketContext(Tokens tokens,
                            SessionStore store,
                            Presence presence,
                            Inbox inbox,
                            Relay relay,
                            RelayTap tap,
                            TransferSettings settings,
                            OpenSockets sockets,
                            LivenessMarks marks,
                            Wakeups wakeups,
                            SharerUpkeep upkeep,
                            Semaphore outgoing) {
}
