package dev.gewyvern.syscall;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import dev.gewyvern.syscall.attr.BpfCommand;
import dev.gewyvern.syscall.attr.BtfNextIdAttr;
import dev.gewyvern.syscall.attr.GetFdByIdAttr;
import dev.gewyvern.syscall.attr.NativeArg;
import dev.gewyvern.syscall.attr.ObjInfoAttr;

/**
 * The BTF object id the kernel gave a loaded module's BTF (or vmlinux's): what a load against a module
 * type names (attach_btf_obj_fd for a module function, a module kfunc or ksym), and what a module type
 * id such as CO-RE's TYPE_ID_TARGET of a module type is an id in. The kernel says it nowhere but in the
 * BTF objects themselves, so this walks BTF ids (BPF_BTF_GET_NEXT_ID), as libbpf and bpftool do.
 *
 * <p>docs/design.md invariant 2 ("never lists global program, map or link ids") is kept in its spirit: only BTF
 * ids are walked; each BTF object is opened only to read two fields of its bpf_btf_info, the kernel_btf
 * flag and the name (never its data), and closed at once; a BTF object that is not the kernel's (a
 * program's or another tool's) is never looked into further. docs/btf.md says so to users.
 */
public final class ModuleBtfIds {
    private static final int NAME_MAX = 64;

    private ModuleBtfIds() {
    }

    /** The id of the kernel BTF object named {@code name} ("vmlinux" or a module), if it is loaded. */
    public static OptionalInt find(String name) {
        int start = 0;
        while (true) {
            Kernel.Result next = Kernel.get().bpf(new BtfNextIdAttr(start));
            if (next.value() < 0) {
                if (next.errno() == Errno.ENOENT) {
                    return OptionalInt.empty();
                }
                throw new BpfException("BPF_BTF_GET_NEXT_ID after " + start, next.errno(), null, null);
            }
            int id = new InfoReader(next.attrAfter()).u32(BtfNextIdAttr.NEXT_ID);
            if (name.equals(kernelName(id))) {
                return OptionalInt.of(id);
            }
            start = id;
        }
    }

    /** The name of BTF object {@code id} when it is the kernel's own (vmlinux or a module's), else null. */
    static String kernelName(int id) {
        Kernel.Result r = Kernel.get().bpf(new GetFdByIdAttr(BpfCommand.BPF_BTF_GET_FD_BY_ID, id, 0));
        if (r.value() < 0) {
            if (r.errno() == Errno.ENOENT) {
                return null; // freed since the walk saw it
            }
            throw new BpfException("BPF_BTF_GET_FD_BY_ID " + id, r.errno(), null, null);
        }
        try (Fd fd = new Fd((int) r.value(), "btf")) {
            NativeArg.Out name = new NativeArg.Out(NAME_MAX);
            NativeArg.Struct info = new NativeArg.Struct(BtfInfo.LAYOUT,
                    out -> out.ptr(BtfInfo.NAME, name).u32(BtfInfo.NAME_LEN, NAME_MAX));
            Kernel.Result got = Kernel.get().bpf(new ObjInfoAttr(fd.value(), info));
            if (got.value() < 0) {
                throw new BpfException("BPF_OBJ_GET_INFO_BY_FD on BTF " + id, got.errno(), null, null);
            }
            if (new InfoReader(got.output(info)).u32(BtfInfo.KERNEL_BTF) == 0) {
                return null;
            }
            byte[] n = got.output(name);
            int len = 0;
            while (len < n.length && n[len] != 0) {
                len++;
            }
            return new String(n, 0, len, StandardCharsets.UTF_8);
        }
    }
}
