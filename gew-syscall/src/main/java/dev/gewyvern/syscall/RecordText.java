package dev.gewyvern.syscall;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

/**
 * A record's text as its own {@code toString} gives it ({@code Name[a=1, b=[B@1f]]}), put together by
 * reflection. A record's generated {@code toString} is bootstrapped by {@code ObjectMethods} at its first
 * call, which spins a chain of method-handle classes per record type at run time (none of them can go
 * into the AppCDS archive): a dry run prints one line per kernel call, of half a dozen attr types, and
 * that alone cost it about as much CPU as the rest of its work. A record that writes its own
 * {@code toString} keeps it: javac makes the implicit one {@code final}, a written one is not (unless its
 * author makes it so).
 */
final class RecordText {
    private RecordText() {
    }

    static String of(Object value) {
        if (!(value instanceof Record r) || writesOwnToString(r.getClass())) {
            return String.valueOf(value);
        }
        StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('[');
        RecordComponent[] components = r.getClass().getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(components[i].getName()).append('=').append(of(component(r, components[i])));
        }
        return b.append(']').toString();
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException e) {
            // every attr record is public in an exported package: an accessor that cannot be called is a bug
            throw new IllegalStateException("cannot read " + r.getClass().getName() + "." + c.getName(), e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(r.getClass().getName() + "." + c.getName() + "() failed", e.getCause());
        }
    }

    private static boolean writesOwnToString(Class<?> c) {
        try {
            return !java.lang.reflect.Modifier.isFinal(c.getDeclaredMethod("toString").getModifiers());
        } catch (NoSuchMethodException e) {
            return false; // a record always declares one; this cannot happen
        }
    }
}
