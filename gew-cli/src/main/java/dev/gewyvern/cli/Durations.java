package dev.gewyvern.cli;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people write them: 500ms, 5s, 2m, 1h. Every duration gew takes is a time to wait or to stay
 * valid, so zero and negative ones are refused (a usage error), not taken as "never" or "at once".
 */
final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String s) {
        Duration d;
        try {
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else {
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                d = switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new NumberFormatException();
                };
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException | ArithmeticException e) {
            throw new TypeConversionException("'" + s + "' is not a duration: write e.g. 500ms, 5s, 2m or 1h");
        }
        if (d.isNegative() || d.isZero()) {
            throw new TypeConversionException("'" + s + "' is not a positive duration: write e.g. 500ms, 5s, 2m or 1h");
        }
        return d;
    }

    /** The shortest of 1h, 2m, 5s, 500ms that says {@code d} exactly. */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
