package dev.gewyvern.syscall.probes;

/**
 * What this kernel says of one capability, measured by a probe: supported; not supported, with why; or
 * inconclusive, with the error the probe met.
 */
public sealed interface Support permits Support.Supported, Support.NotSupported, Support.Inconclusive {

    /** Why a capability is not supported. */
    enum Why {
        /** The kernel does not know it (too old, or compiled without it and without a trace of it). */
        ABSENT("absent"),
        /** The kernel knows it but a policy (LSM, lockdown, sandbox) refuses it: EPERM for root. */
        REFUSED_BY_POLICY("refused by policy"),
        /** The kernel knows it but was built without the configuration it needs. */
        CONFIG_MISSING("config missing");

        private final String text;

        Why(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** "supported", "not supported" or "inconclusive". */
    String state();

    /** The evidence: how the probe decided (never empty for the two negative states). */
    String detail();

    static Support supported(String detail) {
        return new Supported(detail);
    }

    static Support notSupported(Why why, String detail) {
        return new NotSupported(why, detail);
    }

    static Support inconclusive(String error) {
        return new Inconclusive(error);
    }

    default boolean isSupported() {
        return this instanceof Supported;
    }

    record Supported(String detail) implements Support {
        public String state() {
            return "supported";
        }

        @Override
        public String toString() {
            return detail.isEmpty() ? "supported" : "supported (" + detail + ")";
        }
    }

    record NotSupported(Why why, String detail) implements Support {
        public String state() {
            return "not supported";
        }

        @Override
        public String toString() {
            return "not supported: " + why.text() + " (" + detail + ")";
        }
    }

    record Inconclusive(String detail) implements Support {
        public String state() {
            return "inconclusive";
        }

        @Override
        public String toString() {
            return "inconclusive: " + detail;
        }
    }
}
