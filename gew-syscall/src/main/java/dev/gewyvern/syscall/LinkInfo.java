package dev.gewyvern.syscall;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;
import java.util.Optional;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.LinkType;
import dev.gewyvern.syscall.attr.AttrField;
import dev.gewyvern.syscall.attr.AttrLayout;
import dev.gewyvern.syscall.kernel.KernelTypes;

/**
 * {@code struct bpf_link_info}: a link's type, id and program, and where it is attached as far as its
 * type says (the union after {@code prog_id}, read by {@link #target(String)}).
 */
public record LinkInfo(int type, int id, int progId, byte[] union) {
    static final AttrField TYPE = f("type", 0, 4);
    static final AttrField ID = f("id", 4, 4);
    static final AttrField PROG_ID = f("prog_id", 8, 4);
    static final AttrField CGROUP_ID = f("cgroup.cgroup_id", 16, 8);
    static final AttrField CGROUP_ATTACH_TYPE = f("cgroup.attach_type", 24, 4);
    static final AttrField NETNS_INO = f("netns.netns_ino", 16, 4);
    static final AttrField NETNS_ATTACH_TYPE = f("netns.attach_type", 20, 4);
    static final AttrField XDP_IFINDEX = f("xdp.ifindex", 16, 4);
    static final AttrField TRACING_ATTACH_TYPE = f("tracing.attach_type", 16, 4);
    static final AttrField TRACING_TARGET_BTF_ID = f("tracing.target_btf_id", 24, 4);
    static final AttrField NF_PF = f("netfilter.pf", 16, 4);
    static final AttrField NF_HOOKNUM = f("netfilter.hooknum", 20, 4);
    static final AttrField NF_PRIORITY = f("netfilter.priority", 24, 4);
    static final AttrField STRUCT_OPS_MAP_ID = f("struct_ops.map_id", 16, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_link_info", null, List.of(TYPE, ID, PROG_ID, CGROUP_ID,
            CGROUP_ATTACH_TYPE, NETNS_INO, NETNS_ATTACH_TYPE, XDP_IFINDEX, TRACING_ATTACH_TYPE, TRACING_TARGET_BTF_ID,
            NF_PF, NF_HOOKNUM, NF_PRIORITY, STRUCT_OPS_MAP_ID));

    public LinkInfo {
        union = union.clone();
    }

    static LinkInfo decode(byte[] bytes) {
        InfoReader r = new InfoReader(bytes);
        return new LinkInfo(r.u32(TYPE), r.u32(ID), r.u32(PROG_ID), bytes);
    }

    /** The link's type, or empty for one newer than {@link LinkType} knows. */
    public Optional<LinkType> linkType() {
        return LinkType.of(Integer.toUnsignedLong(type));
    }

    /**
     * Where the link is attached, from the fields its type fills, attach types by name
     * ({@code cgroup id 1234, attach type cgroup_inet4_connect}); "" for types whose fields we do not read.
     */
    public String target() {
        InfoReader r = new InfoReader(union);
        return switch (linkType().orElse(LinkType.UNSPEC)) {
            case CGROUP -> "cgroup id " + r.u64(CGROUP_ID) + ", attach type " + attachType(r.u32(CGROUP_ATTACH_TYPE));
            case NETNS -> "netns inode " + Integer.toUnsignedString(r.u32(NETNS_INO)) + ", attach type "
                    + attachType(r.u32(NETNS_ATTACH_TYPE));
            case XDP, TCX, NETKIT -> "ifindex " + r.u32(XDP_IFINDEX);
            case TRACING -> "attach type " + attachType(r.u32(TRACING_ATTACH_TYPE)) + ", BTF id "
                    + r.u32(TRACING_TARGET_BTF_ID);
            case NETFILTER -> "pf " + r.u32(NF_PF) + ", hook " + r.u32(NF_HOOKNUM) + ", priority " + r.u32(NF_PRIORITY);
            case STRUCT_OPS -> "struct_ops map id " + r.u32(STRUCT_OPS_MAP_ID);
            default -> "";
        };
    }

    private static String attachType(int value) {
        return KernelTypes.text(AttachType.class, Integer.toUnsignedLong(value));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinkInfo l && l.type == type && l.id == id && l.progId == progId
                && java.util.Arrays.equals(l.union, union);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(type, id, progId, java.util.Arrays.hashCode(union));
    }
}
