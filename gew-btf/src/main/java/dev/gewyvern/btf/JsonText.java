package dev.gewyvern.btf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON reader for values typed by BTF (RFC 8259): objects become insertion-ordered maps, arrays lists,
 * strings strings, true/false booleans, null null, and numbers {@link Number}s that keep their text, so
 * that a 64-bit integer is never rounded through a double. Nesting is bounded.
 */
public final class JsonText {
    private static final int MAX_DEPTH = 64;

    /** A JSON number, as written. */
    public record Number(String text) {}

    private final String s;
    private int at;

    private JsonText(String s) {
        this.s = s;
    }

    /** The value {@code text} holds; malformed JSON is refused with where it went wrong. */
    public static Object parse(String text) {
        JsonText p = new JsonText(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.at != p.s.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private BtfException error(String what) {
        return new BtfException("JSON at character " + (at + 1) + ": " + what);
    }

    private void space() {
        while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean take(char c) {
        if (at < s.length() && s.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep");
        }
        if (at >= s.length()) {
            throw error("a value is missing");
        }
        char c = s.charAt(at);
        if (c == '{') {
            at++;
            Map<String, Object> m = new LinkedHashMap<>();
            space();
            if (take('}')) {
                return m;
            }
            do {
                space();
                if (at >= s.length() || s.charAt(at) != '"') {
                    throw error("expected a field name in quotes");
                }
                String key = string();
                space();
                if (!take(':')) {
                    throw error("expected ':' after \"" + key + "\"");
                }
                space();
                if (m.put(key, value(depth + 1)) != null) {
                    throw error("field \"" + key + "\" given twice");
                }
                space();
            } while (take(','));
            if (!take('}')) {
                throw error("expected ',' or '}'");
            }
            return m;
        }
        if (c == '[') {
            at++;
            List<Object> l = new ArrayList<>();
            space();
            if (take(']')) {
                return l;
            }
            do {
                space();
                l.add(value(depth + 1));
                space();
            } while (take(','));
            if (!take(']')) {
                throw error("expected ',' or ']'");
            }
            return l;
        }
        if (c == '"') {
            return string();
        }
        if (s.startsWith("true", at)) {
            at += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", at)) {
            at += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("null", at)) {
            at += 4;
            return null;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            int start = at;
            take('-');
            digits();
            if (take('.')) {
                digits();
            }
            if (take('e') || take('E')) {
                if (!take('+')) {
                    take('-');
                }
                digits();
            }
            return new Number(s.substring(start, at));
        }
        throw error("unexpected '" + c + "'");
    }

    private void digits() {
        int start = at;
        while (at < s.length() && Character.isDigit(s.charAt(at)) && s.charAt(at) < 128) {
            at++;
        }
        if (at == start) {
            throw error("a digit is missing");
        }
    }

    private String string() {
        at++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (at >= s.length()) {
                throw error("a string is not closed");
            }
            char c = s.charAt(at++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (at >= s.length()) {
                throw error("a string ends in a backslash");
            }
            char e = s.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (at + 4 > s.length()) {
                        throw error("a \\u escape needs four hex digits");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("a \\u escape needs four hex digits");
                    }
                    at += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }
}
