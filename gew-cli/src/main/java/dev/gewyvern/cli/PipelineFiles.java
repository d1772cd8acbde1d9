package dev.gewyvern.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.gewyvern.proto.v1.AttachTarget;
import dev.gewyvern.proto.v1.Freplace;
import dev.gewyvern.proto.v1.Kprobe;
import dev.gewyvern.proto.v1.KprobeMulti;
import dev.gewyvern.proto.v1.StructOps;
import dev.gewyvern.proto.v1.Tracing;
import dev.gewyvern.proto.v1.BpfObject;
import dev.gewyvern.proto.v1.Pipeline;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.BtfTracepoint;
import dev.gewyvern.proto.v1.Cgroup;
import dev.gewyvern.proto.v1.NetfilterHook;
import dev.gewyvern.proto.v1.NetworkInterface;
import dev.gewyvern.proto.v1.NetworkNamespace;
import dev.gewyvern.proto.v1.PerfEvent;
import dev.gewyvern.proto.v1.RawTracepoint;
import dev.gewyvern.proto.v1.Tracepoint;
import dev.gewyvern.proto.v1.Uprobe;

/**
 * The CLI edge of the Pipeline contract: a {@code .txtpb} (protobuf text) or {@code .pb} (binary) file,
 * or flags, become a Pipeline message. Relative object paths are resolved against the pipeline file's
 * folder (or the working directory for flags), so the engine only ever sees absolute paths.
 */
final class PipelineFiles {
    private PipelineFiles() {
    }

    static Pipeline read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw UserError.cannotRead("pipeline " + file, e);
        }
        Pipeline.Builder b = Pipeline.newBuilder();
        String name = file.getFileName().toString();
        try {
            if (name.endsWith(".pb") || name.endsWith(".binpb")) {
                b.mergeFrom(bytes);
            } else if (name.endsWith(".txtpb") || name.endsWith(".textproto") || name.endsWith(".pbtxt")) {
                TextFormat.getParser().merge(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), b);
            } else {
                throw new UserError("pipeline " + file + ": the name must end in .txtpb (protobuf text) or .pb "
                        + "(binary); JSON pipelines are for `gew session replay`");
            }
        } catch (TextFormat.ParseException e) {
            throw new UserError("pipeline " + file + ": " + e.getMessage());
        } catch (InvalidProtocolBufferException e) {
            throw new UserError("pipeline " + file + " is not a binary Pipeline message: " + e.getMessage());
        }
        return absolutePaths(b, file.toAbsolutePath().getParent()).build();
    }

    /**
     * Every program of {@code object} loaded and pinned in one session, none attached (as `bpftool prog
     * loadall` loads them). Struct_ops programs are loaded with the struct_ops map that names them, which is
     * listed instead and created but not registered. Programs in a section gewyvern does not know, and
     * struct_ops programs no map names, are left out, and said so.
     */
    static Pipeline loadOnly(String name, Path object, java.io.PrintWriter err) {
        dev.gewyvern.elf.BpfObject obj = parse(object);
        java.util.Set<String> withMap = new java.util.HashSet<>();
        for (dev.gewyvern.elf.StructOpsMap m : obj.structOps()) {
            withMap.addAll(m.programs());
        }
        List<String> programs = new java.util.ArrayList<>();
        for (dev.gewyvern.elf.BpfProgram p : obj.programs()) {
            if (p.loadProblem().isPresent() || p.section().isEmpty()) {
                err.println("gew: leaving out program " + p.name() + ": "
                        + p.loadProblem().orElse("unknown section"));
            } else if (p.section().get().kind().progType() == dev.gewyvern.elf.uapi.ProgType.STRUCT_OPS) {
                if (!withMap.contains(p.name())) {
                    err.println("gew: leaving out program " + p.name() + ": a struct_ops program is loaded with the "
                            + "struct_ops map that names it, and no map of the object names it");
                }
            } else {
                programs.add(p.name());
            }
        }
        for (dev.gewyvern.elf.StructOpsMap m : obj.structOps()) {
            programs.add(m.name());
        }
        if (programs.isEmpty()) {
            throw new UserError(object + " has no program gewyvern can load");
        }
        return fromFlags(name, object, programs, java.util.Collections.nCopies(programs.size(), "none"));
    }

    /** A one-object pipeline from {@code --object F --program P --attach T} (programs and targets pair up in order). */
    static Pipeline fromFlags(String name, Path object, List<String> programs, List<String> attach) {
        if (programs.isEmpty()) {
            throw new UserError("--object needs at least one --program NAME");
        }
        if (attach.size() != programs.size()) {
            throw new UserError("give one --attach for each --program (" + programs.size() + " programs, "
                    + attach.size() + " --attach)");
        }
        String id = objectId(object);
        Pipeline.Builder b = Pipeline.newBuilder().setName(name == null ? id : name)
                .addObjects(BpfObject.newBuilder().setId(id).setPath(object.toString()));
        for (int i = 0; i < programs.size(); i++) {
            b.addPrograms(Program.newBuilder().setObject(id).setName(programs.get(i)).setAttach(target(attach.get(i))));
        }
        return absolutePaths(b, Path.of("").toAbsolutePath()).build();
    }

    /**
     * The flag form's {@code --map-size NAME=ENTRIES[:VALUE_SIZE]} and {@code --global NAME=VALUE} on the
     * pipeline's one object: sizes as map_sizes, values as globals, each value read by its variable's BTF
     * type in {@code object}.
     */
    static Pipeline withSettings(Pipeline p, Path object, List<String> mapSizes, List<String> globals) {
        if (mapSizes.isEmpty() && globals.isEmpty()) {
            return p;
        }
        BpfObject.Builder o = p.getObjects(0).toBuilder();
        for (String spec : mapSizes) {
            o.addMapSizes(mapSize(spec));
        }
        if (!globals.isEmpty()) {
            dev.gewyvern.elf.BpfObject obj = parse(object);
            for (String spec : globals) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new UserError("--global '" + spec + "': want NAME=VALUE, e.g. --global target_pid=1234",
                            ExitCode.USAGE);
                }
                String name = spec.substring(0, eq);
                dev.gewyvern.elf.VariableValue v;
                try {
                    v = obj.globalValue(name, spec.substring(eq + 1));
                } catch (dev.gewyvern.elf.ElfException e) {
                    throw new UserError("--global '" + spec + "': " + e.getMessage(), ExitCode.USAGE);
                }
                dev.gewyvern.proto.v1.GlobalValue.Builder g = dev.gewyvern.proto.v1.GlobalValue.newBuilder().setName(name);
                if (v instanceof dev.gewyvern.elf.VariableValue.Integer i) {
                    g.setInteger(i.value());
                } else if (v instanceof dev.gewyvern.elf.VariableValue.Bool b) {
                    g.setBoolean(b.value());
                } else if (v instanceof dev.gewyvern.elf.VariableValue.Text t) {
                    g.setText(t.value());
                } else {
                    g.setRaw(com.google.protobuf.ByteString.copyFrom(((dev.gewyvern.elf.VariableValue.Raw) v).value()));
                }
                o.addGlobals(g);
            }
        }
        return p.toBuilder().setObjects(0, o).build();
    }

    /** One {@code --map-size NAME=ENTRIES[:VALUE_SIZE]}. */
    static dev.gewyvern.proto.v1.MapSize mapSize(String spec) {
        int eq = spec.indexOf('=');
        String[] sizes = eq < 0 ? new String[0] : spec.substring(eq + 1).split(":", -1);
        try {
            if (eq <= 0 || sizes.length < 1 || sizes.length > 2) {
                throw new NumberFormatException();
            }
            dev.gewyvern.proto.v1.MapSize.Builder m = dev.gewyvern.proto.v1.MapSize.newBuilder()
                    .setMap(spec.substring(0, eq)).setMaxEntries(Integer.parseUnsignedInt(sizes[0]));
            if (sizes.length == 2) {
                m.setValueSize(Integer.parseUnsignedInt(sizes[1]));
            }
            return m.build();
        } catch (NumberFormatException e) {
            throw new UserError("--map-size '" + spec + "': want NAME=ENTRIES or NAME=ENTRIES:VALUE_SIZE, e.g. "
                    + "--map-size stackmap=1024", ExitCode.USAGE);
        }
    }

    private static dev.gewyvern.elf.BpfObject parse(Path object) {
        try {
            return dev.gewyvern.elf.BpfObject.parse(Files.readAllBytes(object));
        } catch (IOException e) {
            throw UserError.cannotRead(object, e);
        } catch (RuntimeException e) {
            throw new UserError(object + " is not a usable BPF object: " + e.getMessage());
        }
    }

    static final String FORMS = "tracepoint:CATEGORY:NAME, raw_tp:NAME, tp_btf:NAME, "
            + "perf_event:EVENT[:CPU[:PERIOD]] (a software or hardware event), cgroup:PATH, xdp:IFNAME[@NETNS], "
            + "tcx:IFNAME[@NETNS], netkit:IFNAME[@NETNS], "
            + "sk_lookup:NETNS, flow_dissector:NETNS, uprobe:BINARY:SYMBOL, uretprobe:BINARY:SYMBOL, "
            + "uprobe.multi:BINARY:SYMBOL,...|GLOB, uretprobe.multi:BINARY:SYMBOL,...|GLOB, "
            + "netfilter:ipv4|ipv6:HOOK:PRIORITY[@NETNS], iter:TARGET, fentry|fexit|fmod_ret:FUNCTION, lsm:HOOK, "
            + "kprobe:FUNCTION[+OFFSET], kretprobe:FUNCTION, kprobe.multi|kretprobe.multi:F1,F2,...|GLOB, "
            + "freplace:PROGRAM|/PINNED/PROGRAM, struct_ops (--program names the struct_ops map), "
            + "or none (loaded and pinned, not attached)";

    /** One {@code --attach} target; see {@link #FORMS}. NETNS is a name under /run/netns or a path. */
    static AttachTarget target(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        AttachTarget.Builder b = AttachTarget.newBuilder();
        switch (kind) {
            case "none":
                if (rest.isEmpty()) {
                    return b.setLoadOnly(dev.gewyvern.proto.v1.LoadOnly.getDefaultInstance()).build();
                }
                break;
            case "tracepoint":
            case "tp": {
                String[] f = rest.split(":", -1);
                if (f.length == 2 && !f[0].isEmpty() && !f[1].isEmpty()) {
                    return b.setTracepoint(Tracepoint.newBuilder().setCategory(f[0]).setName(f[1])).build();
                }
                break;
            }
            case "raw_tp":
            case "raw_tracepoint":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    return b.setRawTracepoint(RawTracepoint.newBuilder().setName(rest)).build();
                }
                break;
            case "iter":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    return b.setIter(dev.gewyvern.proto.v1.Iterator.newBuilder().setTarget(rest)).build();
                }
                break;
            case "tp_btf":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    return b.setBtfTracepoint(BtfTracepoint.newBuilder().setName(rest)).build();
                }
                break;
            case "perf_event": {
                String[] f = rest.split(":", -1);
                try {
                    if (f.length >= 1 && f.length <= 3 && !f[0].isEmpty()) {
                        PerfEvent.Builder pe = dev.gewyvern.session.PerfEvents.isHardware(f[0])
                                ? PerfEvent.newBuilder().setHardware(f[0]) : PerfEvent.newBuilder().setSoftware(f[0]);
                        if (f.length > 1) {
                            pe.setCpu(Integer.parseUnsignedInt(f[1]));
                        }
                        if (f.length > 2) {
                            pe.setSamplePeriod(Long.parseUnsignedLong(f[2]));
                        }
                        return b.setPerfEvent(pe).build();
                    }
                } catch (NumberFormatException e) {
                    throw new UserError("--attach '" + spec + "': CPU and PERIOD are numbers, e.g. perf_event:cpu-clock:0:1000000");
                }
                break;
            }
            case "cgroup":
                if (!rest.isEmpty()) {
                    return b.setCgroup(Cgroup.newBuilder().setPath(Path.of(rest).toAbsolutePath().normalize().toString()))
                            .build();
                }
                break;
            case "xdp":
            case "tcx":
            case "netkit":
            case "netdev": {
                int at = rest.indexOf('@');
                String dev = at < 0 ? rest : rest.substring(0, at);
                if (!dev.isEmpty()) {
                    NetworkInterface.Builder nd = NetworkInterface.newBuilder().setName(dev);
                    if (at >= 0) {
                        nd.setNetns(netns(spec, rest.substring(at + 1)));
                    }
                    return b.setNetdev(nd).build();
                }
                break;
            }
            case "sk_lookup":
            case "flow_dissector":
            case "netns":
                if (!rest.isEmpty()) {
                    return b.setNetns(NetworkNamespace.newBuilder().setPath(netns(spec, rest))).build();
                }
                break;
            case "uprobe":
            case "uretprobe": {
                int last = rest.lastIndexOf(':');
                if (last > 0 && last < rest.length() - 1) {
                    return b.setUprobe(Uprobe.newBuilder()
                            .setBinary(Path.of(rest.substring(0, last)).toAbsolutePath().normalize().toString())
                            .setSymbol(rest.substring(last + 1))).build();
                }
                break;
            }
            case "uprobe.multi":
            case "uretprobe.multi": {
                int last = rest.lastIndexOf(':');
                if (last > 0 && last < rest.length() - 1) {
                    String what = rest.substring(last + 1);
                    var um = dev.gewyvern.proto.v1.UprobeMulti.newBuilder()
                            .setBinary(Path.of(rest.substring(0, last)).toAbsolutePath().normalize().toString());
                    if (what.contains("*") || what.contains("?")) {
                        um.setPattern(what);
                    } else {
                        um.addAllSymbols(List.of(what.split(",", -1)));
                    }
                    return b.setUprobeMulti(um).build();
                }
                break;
            }
            case "netfilter": {
                int at = rest.indexOf('@');
                String[] f = (at < 0 ? rest : rest.substring(0, at)).split(":", -1);
                if (f.length == 3) {
                    try {
                        NetfilterHook.Builder nf = NetfilterHook.newBuilder().setFamily(f[0]).setHook(f[1])
                                .setPriority(Integer.parseInt(f[2]));
                        if (at >= 0) {
                            nf.setNetns(netns(spec, rest.substring(at + 1)));
                        }
                        return b.setNetfilter(nf).build();
                    } catch (NumberFormatException e) {
                        throw new UserError("--attach '" + spec + "': PRIORITY is a number, e.g. netfilter:ipv4:local_in:100");
                    }
                }
                break;
            }
            case "fentry":
            case "fexit":
            case "fmod_ret":
            case "lsm":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    return b.setTracing(Tracing.newBuilder().setFunction(rest)).build();
                }
                break;
            case "kprobe":
            case "kretprobe": {
                int plus = rest.indexOf('+');
                String function = plus < 0 ? rest : rest.substring(0, plus);
                if (!function.isEmpty() && !rest.contains(":")) {
                    try {
                        return b.setKprobe(Kprobe.newBuilder().setFunction(function)
                                .setOffset(plus < 0 ? 0 : Long.decode(rest.substring(plus + 1)))).build();
                    } catch (NumberFormatException e) {
                        throw new UserError("--attach '" + spec + "': OFFSET is a number, e.g. kprobe:do_unlinkat+0x10");
                    }
                }
                break;
            }
            case "kprobe.multi":
            case "kretprobe.multi":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    KprobeMulti.Builder km = KprobeMulti.newBuilder();
                    if (rest.contains("*") || rest.contains("?")) {
                        km.setPattern(rest);
                    } else {
                        km.addAllSymbols(java.util.List.of(rest.split(",")));
                    }
                    return b.setKprobeMulti(km).build();
                }
                break;
            case "freplace":
                if (!rest.isEmpty() && !rest.contains(":")) {
                    return b.setFreplace(rest.contains("/") ? Freplace.newBuilder().setPinned(
                            Path.of(rest).toAbsolutePath().normalize().toString())
                            : Freplace.newBuilder().setProgram(rest)).build();
                }
                break;
            case "struct_ops":
                if (rest.isEmpty()) {
                    return b.setStructOps(StructOps.getDefaultInstance()).build();
                }
                break;
            default:
                break;
        }
        throw new UserError("--attach '" + spec + "': want " + FORMS + "; e.g. tracepoint:syscalls:sys_enter_execve");
    }

    private static String netns(String spec, String ns) {
        if (ns.isEmpty()) {
            throw new UserError("--attach '" + spec + "': name the network namespace (a name under /run/netns, or a path)");
        }
        return ns.startsWith("/") ? ns : "/run/netns/" + ns;
    }

    private static String objectId(Path object) {
        String n = object.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        int dot = n.indexOf('.');
        n = (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^a-z0-9_-]", "-");
        if (n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0))) {
            n = "o" + n;
        }
        return n.length() > 40 ? n.substring(0, 40) : n;
    }

    private static Pipeline.Builder absolutePaths(Pipeline.Builder b, Path base) {
        for (int i = 0; i < b.getObjectsCount(); i++) {
            BpfObject o = b.getObjects(i);
            if (o.getSourceCase() == BpfObject.SourceCase.PATH && !o.getPath().startsWith("/")) {
                o = o.toBuilder().setPath(base.resolve(o.getPath()).normalize().toString()).build();
            }
            if (!o.getTargetBtf().isEmpty() && !o.getTargetBtf().startsWith("/")) {
                o = o.toBuilder().setTargetBtf(base.resolve(o.getTargetBtf()).normalize().toString()).build();
            }
            b.setObjects(i, o);
        }
        return b;
    }
}
