package dev.gewyvern.session;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.PerfEventAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.link.Links;

/**
 * A {@link PerfEvent} target: a software event (enum perf_sw_ids) or a hardware one (enum perf_hw_id), named as
 * perf names them, sampled on one CPU and linked through a perf_event link.
 */
public final class PerfEvents {
    private static final Pattern SOFTWARE = Pattern.compile("[a-z][a-z-]{1,40}");
    /** perf's names of the generic hardware events, and the perf_hw_id constant (without PERF_COUNT_HW_) of each. */
    private static final Map<String, String> HARDWARE = new TreeMap<>(Map.ofEntries(
            Map.entry("cpu-cycles", "CPU_CYCLES"), Map.entry("cycles", "CPU_CYCLES"),
            Map.entry("instructions", "INSTRUCTIONS"),
            Map.entry("cache-references", "CACHE_REFERENCES"), Map.entry("cache-misses", "CACHE_MISSES"),
            Map.entry("branch-instructions", "BRANCH_INSTRUCTIONS"), Map.entry("branches", "BRANCH_INSTRUCTIONS"),
            Map.entry("branch-misses", "BRANCH_MISSES"), Map.entry("bus-cycles", "BUS_CYCLES"),
            Map.entry("stalled-cycles-frontend", "STALLED_CYCLES_FRONTEND"),
            Map.entry("idle-cycles-frontend", "STALLED_CYCLES_FRONTEND"),
            Map.entry("stalled-cycles-backend", "STALLED_CYCLES_BACKEND"),
            Map.entry("idle-cycles-backend", "STALLED_CYCLES_BACKEND"),
            Map.entry("ref-cycles", "REF_CPU_CYCLES")));

    private PerfEvents() {
    }

    /** Whether perf calls {@code name} a hardware event (cpu-cycles, instructions, ...). */
    public static boolean isHardware(String name) {
        return HARDWARE.containsKey(name);
    }

    /** perf's hardware event names, each with its enum perf_hw_id constant. */
    static Map<String, String> hardwareNames() {
        return java.util.Collections.unmodifiableMap(HARDWARE);
    }

    static boolean hardware(PerfEvent pe) {
        return !pe.getHardware().isEmpty();
    }

    /** The event's name, whichever kind it is. */
    static String name(PerfEvent pe) {
        return hardware(pe) ? pe.getHardware() : pe.getSoftware();
    }

    static void validate(String field, PerfEvent pe) {
        if (pe.getSoftware().isEmpty() == pe.getHardware().isEmpty()) {
            throw Attacher.bad(field, "give either a software or a hardware event (not both, not neither)");
        }
        if (hardware(pe) && !isHardware(pe.getHardware())) {
            throw Attacher.bad(field + ".hardware", "'" + pe.getHardware() + "' is not a hardware event; perf's "
                    + "names are " + String.join(", ", HARDWARE.keySet()));
        }
        if (!hardware(pe) && !SOFTWARE.matcher(pe.getSoftware()).matches()) {
            throw Attacher.bad(field + ".software", "'" + pe.getSoftware()
                    + "' is not a software event name such as cpu-clock or page-faults");
        }
    }

    static Attacher.Attached attach(Program p, Fd prog, ProgramSection.Match match) {
        Attacher.need(p, match, "perf_event", ProgramSection.PERF_EVENT);
        PerfEvent pe = p.getAttach().getPerfEvent();
        String enumName = hardware(pe) ? "perf_hw_id" : "perf_sw_ids";
        String constant = hardware(pe) ? "PERF_COUNT_HW_" + HARDWARE.get(pe.getHardware())
                : "PERF_COUNT_SW_" + pe.getSoftware().toUpperCase(Locale.ROOT).replace('-', '_');
        int config = KernelTypes.running().value(enumName, constant);
        if (config < 0) {
            throw SessionException.unsupported(Step.ATTACH, "program '" + p.getName() + "': '" + name(pe) + "' is not a "
                    + (hardware(pe) ? "hardware" : "software") + " perf event of this kernel (no " + constant
                    + " in enum " + enumName + ")");
        }
        long period = pe.getSamplePeriod() == 0 ? 1_000_000 : pe.getSamplePeriod();
        int type = hardware(pe) ? PerfEventAttr.PERF_TYPE_HARDWARE : PerfEventAttr.PERF_TYPE_SOFTWARE;
        return new Attacher.Attached(Links.perfEvent(prog, new PerfEventAttr(type, config, period, 1), -1, pe.getCpu(), 0),
                match, p.getAttach(), pe.getSamplePeriod() != 0 ? "" // the text holds the CPU and the period
                : (pe.getCpu() == 0 ? "cpu 0, " : "") + "sample period " + period);
    }
}
