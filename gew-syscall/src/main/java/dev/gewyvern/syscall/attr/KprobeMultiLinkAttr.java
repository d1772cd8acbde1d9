package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.ArrayList;
import java.util.List;

/**
 * BPF_LINK_CREATE of a kprobe.multi link (5.18+): one link with kprobes (or, {@code flags}
 * BPF_F_KPROBE_MULTI_RETURN, kretprobes) on several kernel functions, given by name ({@code syms}, an
 * array of string pointers the kernel resolves through kallsyms). The program must have been loaded with
 * expected attach type BPF_TRACE_KPROBE_MULTI. {@code cookies} (none, or one per symbol) are what
 * bpf_get_attach_cookie() returns in each.
 */
public record KprobeMultiLinkAttr(int progFd, int attachType, int flags, List<String> symbols, long[] cookies)
        implements BpfAttr {
    /**
     * BPF_F_KPROBE_MULTI_RETURN: kretprobes instead of kprobes. A {@code #define} in the UAPI until the kernel
     * made it an enum, so older kernels' BTF does not have it: the UAPI value, held against the kernel's BTF
     * where it has one (AttrLayoutKernelTest). Whether the kernel takes it is the capability probe's to say.
     */
    public static final int RETURN = 1;

    static final AttrField PROG_FD = f("prog_fd", 0, 4);
    static final AttrField ATTACH_TYPE = f("attach_type", 8, 4);
    static final AttrField KM_FLAGS = f("kprobe_multi.flags", 16, 4);
    static final AttrField CNT = f("kprobe_multi.cnt", 20, 4);
    static final AttrField SYMS = f("kprobe_multi.syms", 24, 8);
    static final AttrField ADDRS = f("kprobe_multi.addrs", 32, 8);
    static final AttrField COOKIES = f("kprobe_multi.cookies", 40, 8);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", "link_create",
            List.of(PROG_FD, ATTACH_TYPE, KM_FLAGS, CNT, SYMS, ADDRS, COOKIES));

    public KprobeMultiLinkAttr {
        symbols = List.copyOf(symbols);
        cookies = cookies.clone();
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("a kprobe.multi link needs at least one function");
        }
        if (cookies.length != 0 && cookies.length != symbols.size()) {
            throw new IllegalArgumentException("a kprobe.multi link takes no cookies or one per function, not "
                    + cookies.length + " for " + symbols.size());
        }
    }

    public KprobeMultiLinkAttr(int progFd, int attachType, int flags, List<String> symbols) {
        this(progFd, attachType, flags, symbols, new long[0]);
    }

    @Override
    public long[] cookies() {
        return cookies.clone();
    }

    public BpfCommand command() {
        return BpfCommand.BPF_LINK_CREATE;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    /** {@code const char *syms[cnt]}: one pointer per name, each to its NUL-terminated string. */
    private NativeArg.Struct syms() {
        List<AttrField> slots = new ArrayList<>();
        for (int i = 0; i < symbols.size(); i++) {
            slots.add(f("syms[" + i + "]", i * 8, 8));
        }
        AttrLayout array = new AttrLayout("const char *[" + symbols.size() + "]", null, slots);
        return new NativeArg.Struct(array, out -> {
            for (int i = 0; i < symbols.size(); i++) {
                out.ptr(slots.get(i), NativeArg.cString(symbols.get(i)));
            }
        });
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_FD, progFd).u32(ATTACH_TYPE, attachType).u32(KM_FLAGS, flags).u32(CNT, symbols.size())
                .ptr(SYMS, syms());
        if (cookies.length > 0) {
            out.ptr(COOKIES, NativeArg.u64s(cookies));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KprobeMultiLinkAttr k && k.progFd == progFd && k.attachType == attachType
                && k.flags == flags && k.symbols.equals(symbols) && java.util.Arrays.equals(k.cookies, cookies);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(progFd, attachType, flags, symbols, java.util.Arrays.hashCode(cookies));
    }

    @Override
    public String toString() {
        return "KprobeMultiLinkAttr[progFd=" + progFd + ", attachType=" + attachType + ", flags=" + flags
                + ", symbols=" + symbols + ", cookies=" + java.util.Arrays.toString(cookies) + "]";
    }
}
