package dev.gewyvern.syscall.probes;

/**
 * One probed capability of the running kernel. {@code scope} is the program type a helper was probed
 * for ("" for every other category); {@code name} is the kernel's own name in lower case without its
 * enum prefix (e.g. program type {@code xdp}, helper {@code map_lookup_elem}, attach kind {@code tp_btf}).
 */
public record Capability(Category category, String scope, String name, Support support) {

    /** The kinds of capability gewyvern probes. */
    public enum Category {
        PROGRAM_TYPE("program type"),
        MAP_TYPE("map type"),
        ATTACH_KIND("attach kind"),
        HELPER("helper"),
        FEATURE("feature");

        private final String text;

        Category(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** e.g. {@code program type xdp}, {@code helper kprobe/map_lookup_elem}. */
    public String label() {
        return category.text() + " " + (scope.isEmpty() ? name : scope + "/" + name);
    }
}
