package dev.gewyvern.syscall.attr;


/**
 * The value of {@code union bpf_attr} for one bpf(2) command: a plain Java value that prints, compares,
 * and encodes to exactly the bytes the kernel reads.
 */
public sealed interface BpfAttr
        permits MapCreateAttr, MapElemAttr, ProgLoadAttr, ObjPinAttr, BtfLoadAttr, LinkCreateAttr, ObjInfoAttr,
        GetFdByIdAttr, MapFreezeAttr, TokenCreateAttr, RawTracepointOpenAttr,
        IterCreateAttr, NetfilterLinkAttr, UprobeMultiLinkAttr, NetkitLinkAttr, ProgTestRunAttr,
        TracingLinkAttr, StructOpsLinkAttr, KprobeMultiLinkAttr, MapBatchAttr, BtfNextIdAttr {

    BpfCommand command();

    /** The part of {@code union bpf_attr} this command uses, as the kernel's BTF names it. */
    AttrLayout layout();

    void encode(AttrBuffer out);

    /** Encodes this value; pointer fields get their addresses from {@code pointers}. */
    default byte[] encode(PointerSpace pointers) {
        AttrBuffer out = new AttrBuffer(layout().size(), pointers);
        encode(out);
        return out.bytes();
    }

}
