package dev.gewyvern.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import dev.gewyvern.auth.PairingToken;
import dev.gewyvern.proto.v1.PairingStatus;
import dev.gewyvern.session.control.Identity;
import dev.gewyvern.session.control.Pairing;
import dev.gewyvern.session.control.PairingReport;
import dev.gewyvern.session.control.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gew pair}: a one-time token for the control plane, or {@code --status} of the pairing. */
@Command(name = "pair", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew pair --ttl 30m",
            "  gew pair --status",
            "  gew pair --replace"},
        description = "Print a one-time pairing token for the control plane (leserpent) to present to `gew serve`, or with --status show the paired control plane.")
final class PairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--ttl", converter = Durations.class, defaultValue = "10m", paramLabel = "TIME",
            description = "How long the token is valid (default ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--replace", description = "Pair a new control plane in place of the current one.")
    boolean replace;

    @Option(names = "--status", description = "Show the paired control plane instead (-o json: the PairingStatus message).")
    boolean status;

    @picocli.CommandLine.Mixin
    StateDirOption stateDir;

    @picocli.CommandLine.Mixin
    OutputOption output;

    @Override
    public Integer call() {
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
            throw new UserError("--ttl " + Durations.text(ttl) + ": a token stays valid between 1m and 24h (the "
                    + "control plane needs time to present it)");
        }
        if (status && (replace || spec.commandLine().getParseResult().hasMatchedOption("--ttl"))) {
            throw new UserError("--status shows the pairing and makes no token: leave out --ttl and --replace");
        }
        if (!status && output.json()) {
            throw new UserError("-o json is for pair --status (a token is printed as text, to be copied)");
        }
        Root.require("pair");
        PrintWriter out = spec.commandLine().getOut();
        StateDir state = stateDir.open();
        Identity identity = Identity.loadOrCreate(state);
        Pairing pairing = new Pairing(state);
        if (status) {
            output.print(out, PairingReport.of(identity, pairing), st -> status(out, st));
            return 0;
        }
        PairingToken token = pairing.newToken(identity, ttl, replace);
        out.println("runtime fingerprint  " + HexFormat.of().formatHex(identity.runtimeId()));
        out.println("token (valid " + Durations.text(ttl) + ", single use):");
        out.println(token.format());
        out.flush();
        return 0;
    }

    /** The text form of {@code pair --status}. */
    static void status(PrintWriter out, PairingStatus s) {
        Table t = Table.plain(2);
        t.row("runtime fingerprint", s.getRuntimeFingerprint());
        t.row("paired with", s.getPaired() ? "key id " + s.getPeerKeyId() + " since " + Table.time(s.getPairedUnixMs())
                : "nobody (run gew pair to make a token)");
        t.row("pending token", s.getTokenPending() ? "yes, valid until " + Table.time(s.getTokenExpiresUnixMs())
                + (s.getTokenReplaces() ? " (replaces the paired control plane)" : "") : "none");
        t.print(out);
    }
}
