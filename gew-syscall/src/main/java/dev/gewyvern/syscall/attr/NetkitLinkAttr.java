package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/**
 * BPF_LINK_CREATE of a netkit link (6.7+): the program runs for the primary or the peer device of a netkit
 * pair ({@code attachType} BPF_NETKIT_PRIMARY or BPF_NETKIT_PEER) given by the primary's {@code ifindex}.
 * {@code relative} (an fd or, with BPF_F_ID in {@code flags}, an id) and {@code flags} BPF_F_BEFORE/AFTER place it
 * among the device's programs; {@code expectedRevision} (0: any) makes the attach fail if they changed meanwhile.
 */
public record NetkitLinkAttr(int progFd, int ifindex, int attachType, int flags, int relative, long expectedRevision)
        implements BpfAttr {
    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField TARGET_IFINDEX = f("target_ifindex", 4, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField FLAGS = f("flags", 12, 4);
    static final AttrField RELATIVE_FD = f("netkit.relative_fd", 16, 4);
    static final AttrField EXPECTED_REVISION = f("netkit.expected_revision", 24, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, TARGET_IFINDEX, ATTACH_TYPE, FLAGS, RELATIVE_FD, EXPECTED_REVISION));

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(TARGET_IFINDEX, ifindex).u32(ATTACH_TYPE, attachType).u32(FLAGS, flags)
                .u32(RELATIVE_FD, relative).u64(EXPECTED_REVISION, expectedRevision);
    }
}
