package dev.gewyvern.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A count that must be at least 1 (a limit, a number of entries): 0 and negatives are refused as usage errors. */
final class Positive implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String s) {
        int n;
        try {
            n = Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not a whole number");
        }
        if (n < 1) {
            throw new TypeConversionException("'" + s + "' is not a positive number (1 or more)");
        }
        return n;
    }
}
