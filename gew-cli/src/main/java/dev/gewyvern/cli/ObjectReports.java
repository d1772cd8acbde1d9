package dev.gewyvern.cli;

import java.nio.ByteOrder;
import java.util.Optional;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfValues;
import dev.gewyvern.btf.CoreCandidates;
import dev.gewyvern.btf.CoreRelocationResult;
import dev.gewyvern.btf.CoreResolver;
import dev.gewyvern.elf.AppliedCoreRelocation;
import dev.gewyvern.elf.BpfMap;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.BpfProgram;
import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.Extern;
import dev.gewyvern.elf.GlobalData;
import dev.gewyvern.elf.GlobalVariable;
import dev.gewyvern.elf.ObjectProblem;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.proto.v1.CoreRelocationReport;
import dev.gewyvern.proto.v1.ExternReport;
import dev.gewyvern.proto.v1.MapReport;
import dev.gewyvern.proto.v1.ObjectReport;
import dev.gewyvern.proto.v1.ProgramReport;
import dev.gewyvern.proto.v1.VariableReport;
import dev.gewyvern.syscall.kernel.KernelTypes;

/** Builds the ObjectReport of a parsed object: the one model both output forms of inspect print. */
final class ObjectReports {
    private ObjectReports() {
    }

    /**
     * The object's report; {@code objectName} names global data maps as libbpf does (the file name up to
     * its first '.'); with {@code core}, every CO-RE relocation is resolved against it (null: none).
     */
    static ObjectReport of(String path, String objectName, BpfObject o, boolean disasm, CoreCandidates core) {
        Optional<Btf> btf = o.btf();
        ObjectReport.Builder r = ObjectReport.newBuilder().setPath(path)
                .setByteOrder(o.byteOrder() == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian")
                .setLicense(o.license()).setKernelVersion(o.kernelVersion())
                .setBtfTypes(btf.map(b -> b.typeCount() - 1).orElse(0));
        CoreResolver resolver = null;
        if (core != null && btf.isPresent()) {
            resolver = new CoreResolver(btf.get(), o.btfExt().orElse(null), core);
        }
        for (BpfProgram p : o.programs()) {
            ProgramReport.Builder pr = ProgramReport.newBuilder().setName(p.name()).setSection(p.sectionName())
                    .setInstructions(p.insns().size()).addAllSubprograms(p.subprograms())
                    .setProblem(p.problem().orElse("")).setUnloadable(p.loadProblem().isPresent());
            if (p.section().isPresent()) {
                ProgramSection.Match m = p.section().get();
                pr.setProgType(m.kind().progType().constant())
                        .setExpectedAttachType(m.kind().attachType().map(AttachType::constant).orElse(""))
                        .setAttachTarget(m.target()).setSleepable(m.kind().sleepable());
            }
            if (disasm) {
                pr.addAllDisassembly(p.disassemble());
            }
            if (resolver != null && !p.coreRelocations().isEmpty()) {
                core(pr, p, resolver);
            }
            r.addPrograms(pr);
        }
        if (core != null) {
            r.setCoreTarget(core.main().name());
        }
        for (BpfMap m : o.maps()) {
            MapReport.Builder mr = MapReport.newBuilder().setName(m.name()).setType(mapType(m.type()))
                    .setKeySize(m.keySize()).setValueSize(m.valueSize()).setMaxEntries(m.maxEntries())
                    .setFlags(m.flags()).setKeyType(typeName(btf, m.btfKeyTypeId()))
                    .setValueType(typeName(btf, m.btfValueTypeId()));
            m.initialValues().forEach(v -> mr.addInitialValues(v.index() + "=" + v.target()));
            if (m.inner() != null) {
                BpfMap in = m.inner();
                mr.setInner(mapType(in.type()) + " key " + in.keySize() + " value " + in.valueSize() + " max_entries "
                        + Integer.toUnsignedString(in.maxEntries()));
            }
            r.addMaps(mr);
        }
        for (GlobalData g : o.globalData()) {
            r.addMaps(MapReport.newBuilder().setName(g.mapName(objectName)).setType(MapType.ARRAY.text())
                    .setKeySize(4).setValueSize(g.size()).setMaxEntries(1).setFlags(g.mapFlags())
                    .setValueType(g.btfDatasecId() == 0 ? "" : "datasec " + g.section()).setSection(g.section())
                    .setFrozen(g.frozen()));
            byte[] image = g.initialValue();
            for (GlobalVariable v : g.variables()) {
                r.addVariables(VariableReport.newBuilder().setName(v.name()).setSection(g.section())
                        .setOffset(v.offset()).setSize(v.size()).setType(g.typeName(v))
                        .setValue(g.render(v, image, o.byteOrder())).setGlobal(v.global())
                        .setSettable(g.kind() != GlobalData.Kind.BSS));
            }
        }
        if (o.kconfigSize() > 0) {
            r.addMaps(MapReport.newBuilder().setName(GlobalData.internalMapName(objectName, Extern.KCONFIG))
                    .setType(MapType.ARRAY.text()).setKeySize(4).setValueSize(o.kconfigSize()).setMaxEntries(1)
                    .setFlags(GlobalData.F_RDONLY_PROG | GlobalData.F_MMAPABLE)
                    .setValueType(o.kconfigDatasecId() == 0 ? "" : "datasec .kconfig").setSection(Extern.KCONFIG)
                    .setFrozen(true));
        }
        for (Extern e : o.externs()) {
            r.addExterns(ExternReport.newBuilder().setName(e.name()).setSection(e.section())
                    .setType(e.kind() == Extern.Kind.KFUNC ? "kfunc" : typeName(btf, e.btfTypeId())).setWeak(e.weak()));
        }
        for (ObjectProblem p : o.problems()) {
            switch (p.item()) {
                case OBJECT -> r.addProblems(p.toString());
                case MAP -> r.addMaps(MapReport.newBuilder().setName(p.name()).setType("?").setProblem(p.text()));
                case EXTERN -> r.addExterns(ExternReport.newBuilder().setName(p.name()).setType("?")
                        .setProblem(p.text()));
            }
        }
        r.setUnloadable(!o.unloadable().isEmpty());
        return r.build();
    }

    private static String mapType(int type) {
        return KernelTypes.text(MapType.class, Integer.toUnsignedLong(type));
    }

    private static String typeName(Optional<Btf> btf, int id) {
        if (btf.isEmpty() || id == 0) {
            return "";
        }
        try {
            return BtfValues.typeName(btf.get(), id);
        } catch (RuntimeException e) {
            return "type " + id;
        }
    }

    /** The program's relocations resolved by the object's resolver, as a load of the object would. */
    private static void core(ProgramReport.Builder pr, BpfProgram p, CoreResolver resolver) {
        BpfProgram relocated;
        try {
            relocated = p.relocateCore(resolver);
        } catch (ElfException e) {
            pr.setCoreProblem(e.getMessage());
            return;
        }
        for (AppliedCoreRelocation a : relocated.coreApplied()) {
            CoreRelocationResult res = a.result();
            CoreRelocationReport.Builder c = CoreRelocationReport.newBuilder().setNumber(a.number())
                    .setInsn(a.relocation().insnIndex()).setKind(res.kind().label()).setLocal(res.local().describe())
                    .setLocalValue(res.localValue()).setTargetValue(res.targetValue()).setPoisoned(a.poisoned())
                    .setReason(res.reason()).setInsnBefore(a.before().toString()).setInsnAfter(a.after().toString());
            res.target().ifPresent(t -> c.setTarget("[" + t.rootTypeId() + "] " + t.describe()));
            a.line().ifPresent(l -> c.setSource(l.file() + ":" + l.lineNumber() + ": " + l.text().strip()));
            pr.addCoreRelocations(c);
        }
    }
}
