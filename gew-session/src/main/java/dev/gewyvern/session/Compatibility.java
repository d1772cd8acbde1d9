package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.syscall.Capabilities;
import dev.gewyvern.syscall.Capability;
import dev.gewyvern.syscall.Support;

/**
 * VerifyCompatibility (SPEC 8): every requirement a Pipeline has (program types, attach kinds, helpers,
 * map types), classified from the capability probes and the {@link RiskTable} as fully supported,
 * supported but risky, or not supported, with the reason. Reads the objects; creates nothing in the
 * kernel but the probes' own throwaway objects.
 */
final class Compatibility {
    private Compatibility() {
    }

    static List<Requirement> of(PreparedPipeline prepared, Capabilities caps) {
        Map<String, BpfObject> objects = new LinkedHashMap<>();
        for (PreparedObject o : prepared.objects().values()) {
            objects.put(o.id(), o.parsed());
        }
        Map<String, Requirement> out = new LinkedHashMap<>();
        for (Program p : prepared.pipeline().getProgramsList()) {
            BpfObject obj = objects.get(p.getObject());
            String who = p.getObject() + "/" + p.getName();
            if (p.getAttach().hasStructOps() && obj != null) {
                structOps(out, caps, obj, p.getName(), who);
                continue;
            }
            BpfProgram prog = obj == null ? null : obj.program(p.getName()).orElse(null);
            if (prog == null) {
                continue; // the transaction names a missing program with what the object has
            }
            if (prog.section().isEmpty()) {
                add(out, new Requirement("program section", prog.sectionName(), Requirement.Level.NOT_SUPPORTED,
                        prog.problem().orElse("a section gewyvern does not know"), who));
                continue;
            }
            ProgramSection.Match match = prog.section().get();
            String type = match.kind().progType().text();
            if (!type.equals("tracing")) {
                // a tracing program's support depends on its attach type (tp_btf and iter load here while
                // fentry is refused): its attach kind below carries the answer
                add(out, classify("program type", type, caps.find(Capability.Category.PROGRAM_TYPE, type)
                        .map(Capability::support).orElse(null), RiskTable.programType(type).orElse(null), who));
            }
            if (!p.getAttach().hasLoadOnly()) {
                String kind = attachKind(match, p.getAttach());
                add(out, classify("attach kind", kind, caps.find(Capability.Category.ATTACH_KIND, kind)
                        .map(Capability::support).orElse(null), null, who));
            }
            if (!prog.coreRelocations().isEmpty()) {
                add(out, core(prepared.object(p.getObject()), prog, who));
            }
            for (String helper : prog.helpers()) {
                Support s = caps.hasHelpers() ? caps.helper(type, helper).map(Capability::support).orElse(null) : null;
                add(out, classify("helper", helper, s, RiskTable.helper(helper).orElse(null), who));
            }
        }
        for (Map.Entry<String, BpfObject> e : objects.entrySet()) {
            for (BpfMap m : e.getValue().maps()) {
                String type = dev.gewyvern.syscall.kernel.KernelTypes.text(MapType.class, Integer.toUnsignedLong(m.type()));
                add(out, classify("map type", type, caps.find(Capability.Category.MAP_TYPE, type)
                        .map(Capability::support).orElse(null), null, e.getKey() + "/" + m.name()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** A struct_ops map: its program type, the struct_ops link, its map type, and its programs' helpers. */
    private static void structOps(Map<String, Requirement> out, Capabilities caps, BpfObject obj, String map,
                                  String who) {
        add(out, classify("program type", "struct_ops", caps.find(Capability.Category.PROGRAM_TYPE, "struct_ops")
                .map(Capability::support).orElse(null), RiskTable.programType("struct_ops").orElse(null), who));
        add(out, classify("attach kind", "struct_ops", caps.find(Capability.Category.ATTACH_KIND, "struct_ops")
                .map(Capability::support).orElse(null), null, who));
        add(out, classify("map type", "struct_ops", caps.find(Capability.Category.MAP_TYPE, "struct_ops")
                .map(Capability::support).orElse(null), null, who));
        for (String name : obj.structOps(map).map(dev.gewyvern.elf.StructOpsMap::programs).orElse(List.of())) {
            BpfProgram prog = obj.program(name).orElse(null);
            for (String helper : prog == null ? List.<String>of() : prog.helpers()) {
                Support s = caps.hasHelpers() ? caps.helper("struct_ops", helper).map(Capability::support).orElse(null)
                        : null;
                add(out, classify("helper", helper, s, RiskTable.helper(helper).orElse(null), who));
            }
        }
    }

    /**
     * A program's CO-RE relocations resolved against what the load will use: not supported when one
     * cannot be applied (the load would fail); otherwise supported, naming any poisoned ones (harmless
     * where the program guards them, a verifier refusal where it does not).
     */
    private static Requirement core(PreparedObject o, BpfProgram prog, String who) {
        String name = "relocations of " + who;
        BpfProgram relocated;
        String target;
        try {
            dev.gewyvern.btf.CoreResolver resolver = o.core();
            target = resolver.candidates().main().name();
            relocated = prog.relocateCore(resolver);
        } catch (SessionException e) {
            if (e.kind() != SessionException.Kind.KERNEL && e.kind() != SessionException.Kind.UNSUPPORTED) {
                throw e.in(Step.COMPATIBILITY); // a missing or broken target BTF is the input's fault, not the kernel's
            }
            return new Requirement("CO-RE", name, Requirement.Level.NOT_SUPPORTED, e.getMessage(), who);
        } catch (dev.gewyvern.elf.ElfException e) {
            return new Requirement("CO-RE", name, Requirement.Level.NOT_SUPPORTED, e.getMessage(), who);
        }
        List<String> poisoned = new ArrayList<>();
        for (dev.gewyvern.elf.AppliedCoreRelocation a : relocated.coreApplied()) {
            if (a.poisoned()) {
                poisoned.add(CorePoison.describe(a));
            }
        }
        String reason = relocated.coreApplied().size() + " resolved against " + target + "'s BTF"
                + (poisoned.isEmpty() ? "" : "; " + poisoned.size() + " poisoned, which the verifier refuses unless "
                + "the program guards them: " + String.join("; ", poisoned));
        return new Requirement("CO-RE", name, Requirement.Level.FULLY_SUPPORTED, reason, who);
    }

    private static void add(Map<String, Requirement> out, Requirement r) {
        out.merge(r.label(), r, (a, b) -> new Requirement(a.kind(), a.name(), a.level(), a.reason(),
                a.neededBy().contains(b.neededBy()) ? a.neededBy() : a.neededBy() + ", " + b.neededBy()));
    }

    /** Not supported wins over risky, risky over supported; a probe that was not conclusive does not block. */
    private static Requirement classify(String kind, String name, Support support, String risk, String who) {
        if (support instanceof Support.NotSupported ns) {
            return new Requirement(kind, name, Requirement.Level.NOT_SUPPORTED, ns.toString(), who);
        }
        if (risk != null) {
            return new Requirement(kind, name, Requirement.Level.RISKY, risk, who);
        }
        if (support instanceof Support.Inconclusive in) {
            return new Requirement(kind, name, Requirement.Level.FULLY_SUPPORTED,
                    "probe inconclusive (" + in + "); the kernel decides at load", who);
        }
        return new Requirement(kind, name, Requirement.Level.FULLY_SUPPORTED,
                support == null ? "not probed; the verifier decides at load" : support.toString(), who);
    }

    /** The capability report's name for how a program of this section attaches to this target. */
    static String attachKind(ProgramSection.Match match, AttachTarget target) {
        String type = match.kind().progType().text();
        String pattern = match.kind().pattern();
        if (pattern.startsWith("uprobe.multi") || pattern.startsWith("uretprobe.multi")) {
            return "uprobe.multi";
        }
        if (pattern.startsWith("uprobe.session") || pattern.startsWith("kprobe.session")) {
            return pattern.substring(0, "uprobe.session".length());
        }
        // a uprobe section is a uprobe whatever the target (a wrong target is the attacher's to name)
        if (target.hasUprobe() || pattern.startsWith("uprobe") || pattern.startsWith("uretprobe")) {
            return pattern.startsWith("uretprobe") ? "uretprobe" : "uprobe";
        }
        switch (type) {
            case "tracepoint":
                return "tracepoint";
            case "raw_tracepoint":
            case "raw_tracepoint_writable":
                return "raw_tp";
            case "tracing": {
                String at = match.kind().attachType().map(AttachType::constant).orElse("");
                switch (at) {
                    case "BPF_TRACE_RAW_TP": return "tp_btf";
                    case "BPF_TRACE_FENTRY": return "fentry";
                    case "BPF_TRACE_FEXIT": return "fexit";
                    case "BPF_MODIFY_RETURN": return "fmod_ret";
                    case "BPF_TRACE_ITER": return "iter";
                    default: return "tracing";
                }
            }
            case "kprobe":
                return pattern.startsWith("kprobe.multi") || pattern.startsWith("kretprobe.multi") ? "kprobe.multi"
                        : pattern.startsWith("kretprobe") ? "kretprobe" : "kprobe";
            case "cgroup_device":
                return "cgroup_dev";
            case "perf_event":
                return target.hasPerfEvent() && PerfEvents.hardware(target.getPerfEvent()) ? "perf_event.hardware"
                        : "perf_event";
            case "sched_cls":
                return pattern.startsWith("netkit") ? "netkit" : "tcx";
            case "ext":
                return "freplace";
            default:
                return type;
        }
    }
}
