package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.syscall.kernel.ErrorInjectionList;
import dev.gewyvern.syscall.kernel.KernelTypes;
import dev.gewyvern.syscall.probes.Capabilities;
import dev.gewyvern.syscall.probes.Capability;
import dev.gewyvern.syscall.probes.Support;

/**
 * VerifyCompatibility (docs/spec.md §8): every requirement a Pipeline has (program types, expected attach types, attach
 * kinds, helpers, map types, CO-RE), classified from the capability probes, the kernel's own BTF and the
 * {@link RiskTable} as fully supported, supported but risky, or not supported, with the reason. A name gewyvern
 * knows that this kernel's BTF does not have is not supported (absent): the probes enumerate the kernel's own
 * enums, so nothing the kernel lacks is left to the load. Load-only programs are classified as much as attached
 * ones (their load needs the same), less what only attaching needs, and weigh no risk: nothing runs them.
 * Reads the objects; creates nothing in the kernel but the probes' own throwaway objects.
 */
final class Compatibility {
    /**
     * Attach kinds whose probe is a load against a target (not a link): a load-only program of such a kind
     * needs them as much as an attached one.
     */
    static final Set<String> LOAD_PROBED_KINDS = Set.of("tp_btf", "fentry", "fexit", "fmod_ret", "fmod_ret.security",
            "lsm", "iter");

    private Compatibility() {
    }

    /**
     * The pipeline's requirements. An object built for the other byte order is the one requirement
     * reported then: nothing of it can be loaded, so the kernel is not probed ({@code probe} is not called).
     */
    static List<Requirement> of(PreparedPipeline prepared, Supplier<Capabilities> probe) {
        List<Requirement> foreign = new ArrayList<>();
        for (PreparedObject o : prepared.objects().values()) {
            BpfObject obj = o.parsed();
            ObjectLoader.foreignByteOrder(obj).ifPresent(why -> foreign.add(new Requirement("byte order",
                    ObjectLoader.endian(obj.byteOrder()), Requirement.Level.NOT_SUPPORTED,
                    Requirement.Basis.OBJECT, null, "not supported: the object " + why, o.id())));
        }
        return foreign.isEmpty() ? of(prepared, probe.get()) : foreign;
    }

    static List<Requirement> of(PreparedPipeline prepared, Capabilities caps) {
        return of(prepared, caps, KernelTypes.running());
    }

    static List<Requirement> of(PreparedPipeline prepared, Capabilities caps, KernelTypes kernel) {
        Map<String, BpfObject> objects = new LinkedHashMap<>();
        for (PreparedObject o : prepared.objects().values()) {
            objects.put(o.id(), o.parsed());
        }
        // a load-only program of an object with an attached program may run as its tail call
        Set<String> attachedObjects = new HashSet<>();
        for (Program p : prepared.pipeline().getProgramsList()) {
            if (!p.getAttach().hasLoadOnly()) {
                attachedObjects.add(p.getObject());
            }
        }
        Map<String, Requirement> out = new LinkedHashMap<>();
        for (Program p : prepared.pipeline().getProgramsList()) {
            BpfObject obj = objects.get(p.getObject());
            String who = p.getObject() + "/" + p.getName();
            boolean attached = !p.getAttach().hasLoadOnly();
            if (obj != null && obj.structOps(p.getName()).isPresent()
                    && (p.getAttach().hasStructOps() || !attached)) {
                structOps(out, caps, obj, p.getName(), who, attached);
                continue;
            }
            BpfProgram prog = obj == null ? null : obj.program(p.getName()).orElse(null);
            if (prog == null) {
                continue; // the transaction names a missing program with what the object has
            }
            if (prog.section().isEmpty()) {
                add(out, new Requirement("program section", prog.sectionName(), Requirement.Level.NOT_SUPPORTED,
                        Requirement.Basis.OBJECT, Support.Why.ABSENT,
                        prog.problem().orElse("a section gewyvern does not know"), who));
                continue;
            }
            ProgramSection.Match match = prog.section().get();
            String type = match.kind().progType().text();
            if (!type.equals("tracing")) {
                // a tracing program's support depends on its attach type (tp_btf and iter load here while
                // fentry is refused): its attach kind below carries the answer, attached or not
                add(out, capability(caps, Capability.Category.PROGRAM_TYPE, type,
                        attached ? RiskTable.programType(type).orElse(null) : null, who));
            }
            match.kind().attachType().ifPresent(t -> add(out, attachType(kernel, t, who)));
            String kind = attachKind(match, p.getAttach());
            if (attached || LOAD_PROBED_KINDS.contains(kind)) {
                Requirement k = capability(caps, Capability.Category.ATTACH_KIND, kind, null, who);
                add(out, k);
                if (kind.equals("fmod_ret") && k.level() == Requirement.Level.FULLY_SUPPORTED) {
                    add(out, errorInjectionTarget(tracedFunction(match, p.getAttach()), who));
                }
            }
            if (!prog.coreRelocations().isEmpty()) {
                add(out, core(prepared.object(p.getObject()), prog, who));
            }
            boolean mayRun = attached || attachedObjects.contains(p.getObject());
            for (String helper : prog.helpers()) {
                add(out, helper(caps, kernel, type, helper, mayRun, who));
            }
        }
        for (Map.Entry<String, BpfObject> e : objects.entrySet()) {
            for (BpfMap m : e.getValue().maps()) {
                add(out, mapType(caps, kernel, m.type(), e.getKey() + "/" + m.name()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * A struct_ops map: its program type, its map type, its programs' helpers, and (registered, not load-only)
     * the struct_ops attach kind.
     */
    private static void structOps(Map<String, Requirement> out, Capabilities caps, BpfObject obj, String map,
                                  String who, boolean registered) {
        add(out, capability(caps, Capability.Category.PROGRAM_TYPE, "struct_ops",
                registered ? RiskTable.programType("struct_ops").orElse(null) : null, who));
        if (registered) {
            add(out, capability(caps, Capability.Category.ATTACH_KIND, "struct_ops", null, who));
        }
        add(out, capability(caps, Capability.Category.MAP_TYPE, "struct_ops", null, who));
        for (String name : obj.structOps(map).map(dev.gewyvern.elf.StructOpsMap::programs).orElse(List.of())) {
            BpfProgram prog = obj.program(name).orElse(null);
            for (String helper : prog == null ? List.<String>of() : prog.helpers()) {
                add(out, helper(caps, KernelTypes.running(), "struct_ops", helper, registered, who));
            }
        }
    }

    /** A program type, attach kind or map type by name: the probe's answer, or absent when the kernel lacks it. */
    private static Requirement capability(Capabilities caps, Capability.Category category, String name, String risk,
                                          String who) {
        Support s = caps.find(category, name).map(Capability::support).orElse(null);
        if (s == null && category == Capability.Category.ATTACH_KIND) {
            // gewyvern's own list of kinds, not the kernel's: a kind it has no probe for is the kernel's to take
            // or refuse when it is attached (the attach step names a target that does not fit the section)
            s = Support.inconclusive("gewyvern has no probe for attach kind " + name);
        }
        if (s == null) {
            return classify(category.text(), name, Capabilities.absentFromKernel(category, name), risk, who,
                    Requirement.Basis.KERNEL);
        }
        return classify(category.text(), name, s, risk, who, Requirement.Basis.PROBED);
    }

    /** The expected attach type a program is loaded with: the kernel's enum bpf_attach_type must have it. */
    private static Requirement attachType(KernelTypes kernel, dev.gewyvern.elf.uapi.AttachType type, String who) {
        String name = type.text();
        String constant = type.constant();
        if (kernel.attachType(constant) < 0) {
            return new Requirement("attach type", name, Requirement.Level.NOT_SUPPORTED, Requirement.Basis.KERNEL,
                    Support.Why.ABSENT, "not supported: absent (no " + constant + " in this kernel's enum "
                    + "bpf_attach_type)", who);
        }
        return new Requirement("attach type", name, Requirement.Level.FULLY_SUPPORTED, Requirement.Basis.KERNEL,
                null, constant + " is in this kernel's enum bpf_attach_type", who);
    }

    /**
     * An fmod_ret target that is not a security_* function must be on the kernel's error-injection list, or the
     * verifier refuses it ("is not modifiable"); where debugfs does not show the list, only the load can tell.
     */
    private static Requirement errorInjectionTarget(String function, String who) {
        var list = ErrorInjectionList.read();
        if (list.isEmpty()) {
            return new Requirement("fmod_ret target", function, Requirement.Level.FULLY_SUPPORTED,
                    Requirement.Basis.VERIFIER, null, "the error-injection list (" + ErrorInjectionList.path()
                    + ") cannot be read here (debugfs not mounted): the verifier decides at load whether " + function
                    + " may be modified", who);
        }
        if (!list.get().contains(function)) {
            return new Requirement("fmod_ret target", function, Requirement.Level.NOT_SUPPORTED,
                    Requirement.Basis.KERNEL, Support.Why.ABSENT, "not supported: absent (" + function + " is not on "
                    + "this kernel's error-injection list, " + ErrorInjectionList.path()
                    + "; fmod_ret takes error-injection functions and security_* functions)", who);
        }
        return new Requirement("fmod_ret target", function, Requirement.Level.FULLY_SUPPORTED, Requirement.Basis.KERNEL,
                null, function + " is on this kernel's error-injection list", who);
    }

    /** The kernel function a tracing program is loaded against: what its target names, else its section. */
    private static String tracedFunction(ProgramSection.Match match, AttachTarget target) {
        return target.hasTracing() && !target.getTracing().getFunction().isEmpty() ? target.getTracing().getFunction()
                : match.name();
    }

    /** A helper a program calls: absent from the kernel, probed for the program's type, or the verifier's to say. */
    private static Requirement helper(Capabilities caps, KernelTypes kernel, String progType, String helper,
                                      boolean mayRun, String who) {
        Support s = caps.helperSupport(progType, helper);
        boolean inKernel = helper.startsWith("helper#")
                ? kernel.helpers().containsValue(Integer.parseInt(helper.substring("helper#".length())))
                : kernel.helpers().containsKey(helper);
        // per program type: a helper one type may call another may not (the kernel's own rule)
        return classify("helper", progType + "/" + helper, s, mayRun ? RiskTable.helper(helper).orElse(null) : null, who,
                inKernel ? Requirement.Basis.PROBED : Requirement.Basis.KERNEL);
    }

    /** A map's type, by the number the object gives: the kernel must have that number in enum bpf_map_type. */
    private static Requirement mapType(Capabilities caps, KernelTypes kernel, int number, String who) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Integer> t : kernel.mapTypes().entrySet()) {
            if (t.getValue() == number) {
                names.add(t.getKey());
            }
        }
        for (String n : names) {
            // an old name kept as an alias (cgroup_storage_deprecated) is probed under the new one
            if (caps.find(Capability.Category.MAP_TYPE, n).isPresent()) {
                return capability(caps, Capability.Category.MAP_TYPE, n, null, who);
            }
        }
        // a type gewyvern knows (h14's MapType, numbered as the UAPI numbers it) is named, else its number
        String name = dev.gewyvern.elf.uapi.MapType.of(Integer.toUnsignedLong(number))
                .map(dev.gewyvern.elf.uapi.MapType::text).orElse(Integer.toUnsignedString(number));
        return new Requirement("map type", name, Requirement.Level.NOT_SUPPORTED, Requirement.Basis.KERNEL,
                Support.Why.ABSENT, "not supported: absent (this kernel's enum bpf_map_type has no value "
                + Integer.toUnsignedString(number) + (name.equals(Integer.toUnsignedString(number)) ? ""
                : ", " + dev.gewyvern.elf.uapi.MapType.of(Integer.toUnsignedLong(number)).get().constant()) + ")", who);
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
            return new Requirement("CO-RE", name, Requirement.Level.NOT_SUPPORTED, Requirement.Basis.OBJECT,
                    Support.Why.ABSENT, e.getMessage(), who);
        } catch (dev.gewyvern.elf.ElfException e) {
            return new Requirement("CO-RE", name, Requirement.Level.NOT_SUPPORTED, Requirement.Basis.OBJECT,
                    Support.Why.ABSENT, e.getMessage(), who);
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
        // a poisoned relocation is the verifier's to judge: whether the program guards it is in its control flow
        return new Requirement("CO-RE", name, Requirement.Level.FULLY_SUPPORTED, poisoned.isEmpty()
                ? Requirement.Basis.OBJECT : Requirement.Basis.VERIFIER, null, reason, who);
    }

    private static void add(Map<String, Requirement> out, Requirement r) {
        out.merge(r.label(), r, (a, b) -> {
            // the same need from several programs: the strictest answer stands (risky for one attached program
            // is risky for the session), naming every program
            Requirement w = b.level().ordinal() > a.level().ordinal() ? b : a;
            String by = a.neededBy().contains(b.neededBy()) ? a.neededBy() : a.neededBy() + ", " + b.neededBy();
            return new Requirement(w.kind(), w.name(), w.level(), w.basis(), w.why(), w.reason(), by);
        });
    }

    /** Not supported wins over risky, risky over supported; a probe that was not conclusive leaves it to the load. */
    private static Requirement classify(String kind, String name, Support support, String risk, String who,
                                        Requirement.Basis basis) {
        if (support instanceof Support.NotSupported ns) {
            return new Requirement(kind, name, Requirement.Level.NOT_SUPPORTED, basis, ns.why(), ns.toString(), who);
        }
        if (risk != null) {
            return new Requirement(kind, name, Requirement.Level.RISKY, basis, null, risk, who);
        }
        if (support instanceof Support.Inconclusive in) {
            return new Requirement(kind, name, Requirement.Level.FULLY_SUPPORTED, Requirement.Basis.VERIFIER, null,
                    "probe inconclusive (" + in.detail() + "); the verifier decides at load", who);
        }
        return new Requirement(kind, name, Requirement.Level.FULLY_SUPPORTED, basis, null, support.toString(), who);
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
                    case "BPF_MODIFY_RETURN":
                        // the verifier takes two classes of fmod_ret target, probed apart
                        return tracedFunction(match, target).startsWith("security_") ? "fmod_ret.security"
                                : "fmod_ret";
                    case "BPF_TRACE_ITER": return "iter";
                    default: return "tracing";
                }
            }
            case "kprobe":
                return pattern.startsWith("kprobe.multi") ? "kprobe.multi"
                        : pattern.startsWith("kretprobe.multi") ? "kretprobe.multi"
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
