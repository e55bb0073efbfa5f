package app.dragnshare.client.cli;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.InvalidInviteException;
import app.dragnshare.client.api.UnreachableException;
import app.dragnshare.client.api.UntrustedServerException;
import app.dragnshare.client.crypto.TamperingException;
import app.dragnshare.client.transfer.TransferFailedException;

/** Maps each kind of failure to its exit code and a one-line message. */
final class Failures {
    private Failures() {
    }

    /** Every message but our own CliException's may quote the network, so it is made terminal-safe. */
    static CliException of(Exception e) {
        return e instanceof CliException cli ? cli : visible(mapped(e));
    }

    private static CliException visible(CliException e) {
        return new CliException(e.exitCode(), TerminalText.visible(e.getMessage()));
    }

    private static CliException mapped(Exception e) {
        return switch (e) {
            case CliException cli -> cli;
            case InvalidInviteException invite -> new CliException(ExitCode.BAD_INVITE, invite.getMessage());
            case UntrustedServerException untrusted -> new CliException(ExitCode.UNTRUSTED_SERVER, untrusted.getMessage());
            case UnreachableException unreachable -> new CliException(ExitCode.UNREACHABLE, unreachable.getMessage());
            case TamperingException tampering -> new CliException(ExitCode.TAMPERED,
                    "tampering detected, transfer stopped: " + tampering.getMessage());
            case TransferFailedException failed -> switch (failed.code()) {
                case "tampered" -> new CliException(ExitCode.TAMPERED, "tampering detected, transfer stopped: " + failed.getMessage());
                // the sharer could not verify our request: most often this link's secret is mistyped (the server's message says so)
                case "unverified" -> new CliException(ExitCode.TAMPERED, failed.getMessage());
                default -> new CliException(ExitCode.TRANSFER_FAILED, failed.getMessage());
            };
            case ApiException api -> api(api);
            case java.io.IOException io -> new CliException(ExitCode.LOCAL_IO, io.getMessage());
            default -> new CliException(ExitCode.FAILURE, e.toString());
        };
    }

    private static CliException api(ApiException e) {
        ExitCode code = switch (e.code()) {
            case "invalid-invite", "session-ended", "session-expired", "session-not-found", "socket-4410" -> ExitCode.BAD_INVITE;
            case "owner-offline" -> ExitCode.TRANSFER_FAILED;
            default -> switch (e.status()) {
                case 401, 403, 429 -> ExitCode.DENIED;
                case 404, 410 -> ExitCode.BAD_INVITE;
                default -> ExitCode.FAILURE;
            };
        };
        return new CliException(code, e.getMessage());
    }
}
