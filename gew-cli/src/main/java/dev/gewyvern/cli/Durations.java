package dev.gewyvern.cli;

import java.time.Duration;

import picocli.CommandLine.ITypeConverter;

/** Durations as people write them: 500ms, 5s, 2m, 1h. */
final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String s) {
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new picocli.CommandLine.TypeConversionException("'" + s + "' is not a duration: write e.g. 500ms, 5s, 2m or 1h");
        }
    }
}
