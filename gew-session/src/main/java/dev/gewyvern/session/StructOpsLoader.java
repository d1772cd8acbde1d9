package dev.gewyvern.session;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.BiFunction;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.elf.StructOpsMap;
import dev.gewyvern.elf.uapi.MapType;
import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.attr.MapCreateAttr;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * A struct_ops map of an object, made as libbpf makes it: its programs loaded against the kernel's struct
 * (expected attach type = the member's index, attach_btf_id = the struct's id in vmlinux BTF), a
 * BPF_MAP_TYPE_STRUCT_OPS map whose value type is the kernel's {@code bpf_struct_ops_<struct>}, and that
 * value filled from the object's data (members matched by name) with the programs' fds at the
 * function-pointer members. How it is registered is a {@link StructOpsRegistration}: with BPF_F_LINK the
 * value is written here and a bpf_link registers the map at attach (see
 * {@link dev.gewyvern.syscall.link.Links#structOps}); without it (kernels before 6.4) writing the value is the
 * registration, so the value waits in {@link Prepared} until the session's commit has pinned the map.
 */
final class StructOpsLoader {
    private StructOpsLoader() {
    }

    /**
     * A struct_ops map ready to be registered, the kernel struct it implements, and how: for
     * {@link StructOpsRegistration#MAP_UPDATE} {@code value} is the value whose writing registers it (for
     * LINK it is already written).
     */
    record Prepared(Fd map, String typeName, List<String> programs, StructOpsRegistration registration, byte[] value) {}

    /**
     * Loads the programs of struct_ops map {@code name} of {@code s} through {@code load} (program name and
     * target in, fd out), creates the map through {@code keep}, and writes its value.
     */
    static Prepared prepare(ObjectLoader.Staged s, String name, StructOpsRegistration registration,
                            BiFunction<String, ObjectLoader.LoadTarget, Fd> load, java.util.function.UnaryOperator<Fd> keep) {
        StructOpsMap m = s.object().structOps(name).orElseThrow(() -> SessionException.invalid(Step.VERIFY, "object '"
                + s.id() + "' has no struct_ops map '" + name + "' (its .struct_ops and .struct_ops.link variables: "
                + (s.object().structOps().isEmpty() ? "none"
                : String.join(", ", s.object().structOps().stream().map(StructOpsMap::name).toList())) + ")"));
        String where = "struct_ops map '" + name + "' of object '" + s.id() + "'";
        if (s.btf() == null) {
            throw SessionException.invalid(Step.VERIFY, where + ": the object has no BTF, which struct_ops needs");
        }
        Btf vmlinux = AttachBtf.vmlinux();
        int kernType = vmlinux.find(BtfKind.STRUCT, m.typeName());
        int valueType = vmlinux.find(BtfKind.STRUCT, "bpf_struct_ops_" + m.typeName());
        if (kernType < 0 || valueType < 0) {
            throw SessionException.unsupported(Step.VERIFY, where + " is a struct " + m.typeName() + ", but the kernel's BTF has no "
                    + (kernType < 0 ? "struct " + m.typeName() : "bpf_struct_ops_" + m.typeName()
                    + " (the kernel cannot take a " + m.typeName() + " from BPF)") + "; its struct_ops types are the "
                    + "bpf_struct_ops_* structs of `gew btf dump`");
        }
        BtfType.Struct kern = (BtfType.Struct) vmlinux.type(kernType);
        BtfType.Struct value = (BtfType.Struct) vmlinux.type(valueType);
        int dataOffset = -1;
        for (BtfType.Member vm : value.members()) {
            if (vm.name().equals("data")) {
                dataOffset = vm.bitOffset() / 8;
            }
        }
        if (dataOffset < 0) {
            throw SessionException.unsupported(Step.VERIFY, where + ": the kernel's bpf_struct_ops_" + m.typeName()
                    + " has no 'data' member");
        }
        ByteBuffer bytes = ByteBuffer.allocate(value.size()).order(ByteOrder.nativeOrder());
        byte[] local = m.data();
        for (StructOpsMap.Member lm : m.members()) {
            int index = memberIndex(kern, lm.name());
            boolean set = lm.program().isPresent() || !zero(local, lm.offset(), lm.size());
            if (index < 0) {
                if (set) {
                    throw SessionException.invalid(Step.VERIFY, where + ": member '" + lm.name() + "' is set, but the kernel's "
                            + "struct " + m.typeName() + " has no such member");
                }
                continue;
            }
            BtfType.Member km = kern.members().get(index);
            int at = dataOffset + km.bitOffset() / 8;
            if (lm.functionPointer()) {
                if (lm.program().isEmpty()) {
                    continue;
                }
                String prog = lm.program().get();
                Fd fd = load.apply(prog, new ObjectLoader.LoadTarget(index, kernType, 0,
                        "struct_ops " + m.typeName() + "." + lm.name()));
                bytes.putLong(at, fd.value());
                continue;
            }
            long kernSize = vmlinux.sizeOf(km.type());
            if (kernSize != lm.size()) {
                throw SessionException.invalid(Step.VERIFY, where + ": member '" + lm.name() + "' is " + lm.size()
                        + " bytes here but " + kernSize + " in the kernel's struct " + m.typeName());
            }
            bytes.put(at, local, lm.offset(), lm.size());
        }
        KernelTypes kernel = KernelTypes.running();
        if (!kernel.has(MapType.STRUCT_OPS)) {
            throw SessionException.unsupported(Step.VERIFY, where + ": this kernel has no BPF_MAP_TYPE_STRUCT_OPS "
                    + "(struct_ops arrived in 5.6)");
        }
        if (registration == StructOpsRegistration.LINK && kernel.constant("BPF_F_LINK") < 0) {
            throw SessionException.unsupported(Step.VERIFY, where + ": registration through a bpf_link needs "
                    + "BPF_F_LINK, which this kernel does not have (6.4+); register it by map update instead");
        }
        Fd map = keep.apply(Bpf.createMap(MapCreateAttr.of(MapType.STRUCT_OPS, 4, value.size(), 1)
                .withFlags(registration.mapFlags(kernel)).withName(name).withBtf(s.btf().value(), 0, 0)
                .withVmlinuxValueType(valueType)));
        if (registration == StructOpsRegistration.LINK) {
            Bpf.update(map, new byte[4], bytes.array(), 0); // fills the value; the link registers it
        }
        return new Prepared(map, m.typeName(), m.programs(), registration, bytes.array());
    }

    private static int memberIndex(BtfType.Struct st, String name) {
        for (int i = 0; i < st.members().size(); i++) {
            if (st.members().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean zero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
