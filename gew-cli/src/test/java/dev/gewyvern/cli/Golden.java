package dev.gewyvern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files: what a renderer prints, kept under src/test/resources/golden/NAME and compared byte for byte.
 * {@code -Dgolden.update=true} rewrites them (in the source tree, from the module folder) instead; a changed
 * golden file is then read and committed like any change of output.
 */
final class Golden {
    private Golden() {
    }

    static void check(String name, String actual) {
        if (Boolean.getBoolean("golden.update")) {
            try {
                Path p = Path.of("src/test/resources/golden", name);
                Files.createDirectories(p.getParent());
                Files.writeString(p, actual);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new AssertionError("no golden file golden/" + name + " (run with -Dgolden.update=true); "
                        + "printed:\n" + actual);
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, "golden/" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
