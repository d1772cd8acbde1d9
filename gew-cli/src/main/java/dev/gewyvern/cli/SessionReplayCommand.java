package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.SessionRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gew session replay FILE.json}: a session exported with `gew session export --json` (or a Pipeline
 * in JSON) is parsed here, at the CLI edge, into a Pipeline and applied like any other.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew session export ID --json > session.json",
            "  gew session replay session.json --duration 1m"},
        description = "Apply again a session exported with `gew session export ID --json` (or a Pipeline written as JSON).")
final class SessionReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE.json", description = "An exported session record, or a Pipeline, in JSON.")
    Path file;

    @Mixin
    HoldOptions hold;

    @Override
    public Integer call() throws Exception {
        hold.check();
        return SessionHolder.applyAndHold(pipeline(), hold, spec, "session replay");
    }

    private Pipeline pipeline() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw UserError.cannotRead(file, e);
        }
        try {
            if (text.contains("\"pipeline\"")) {
                SessionRecord.Builder rec = SessionRecord.newBuilder();
                JsonFormat.parser().merge(text, rec);
                return rec.getPipeline();
            }
            Pipeline.Builder p = Pipeline.newBuilder();
            JsonFormat.parser().merge(text, p);
            return p.build();
        } catch (InvalidProtocolBufferException e) {
            throw new UserError(file + " is not an exported session or a Pipeline in JSON: " + e.getMessage());
        }
    }
}
