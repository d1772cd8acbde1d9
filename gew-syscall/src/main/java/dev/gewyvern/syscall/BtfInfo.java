package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

import dev.gewyvern.syscall.attr.AttrField;
import dev.gewyvern.syscall.attr.AttrLayout;

/** {@code struct bpf_btf_info}, with the BTF bytes the kernel holds. */
public record BtfInfo(int id, byte[] btf) {
    static final AttrField BTF = f("btf", 0, 8);
    static final AttrField BTF_SIZE = f("btf_size", 8, 4);
    static final AttrField ID = f("id", 12, 4);
    static final AttrField NAME = f("name", 16, 8);
    static final AttrField NAME_LEN = f("name_len", 24, 4);
    static final AttrField KERNEL_BTF = f("kernel_btf", 28, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_btf_info", null,
            List.of(BTF, BTF_SIZE, ID, NAME, NAME_LEN, KERNEL_BTF));
}
