package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

/** BPF_BTF_LOAD; {@code log} may be null (level 0, no log). */
public record BtfLoadAttr(NativeArg.In btf, NativeArg.Out log, int logLevel) implements BpfAttr {
    static final AttrField BTF = f("btf", 0, 8);
    static final AttrField BTF_LOG_BUF = f("btf_log_buf", 8, 8);
    static final AttrField BTF_SIZE = f("btf_size", 16, 4);
    static final AttrField BTF_LOG_SIZE = f("btf_log_size", 20, 4);
    static final AttrField BTF_LOG_LEVEL = f("btf_log_level", 24, 4);
    static final AttrField BTF_LOG_TRUE_SIZE = f("btf_log_true_size", 28, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null,
            List.of(BTF, BTF_LOG_BUF, BTF_SIZE, BTF_LOG_SIZE, BTF_LOG_LEVEL, BTF_LOG_TRUE_SIZE));

    public BpfCommand command() {
        return BpfCommand.BPF_BTF_LOAD;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    public void encode(AttrBuffer out) {
        out.ptr(BTF, btf).u32(BTF_SIZE, btf.size()).ptr(BTF_LOG_BUF, log)
                .u32(BTF_LOG_SIZE, log == null ? 0 : log.size()).u32(BTF_LOG_LEVEL, log == null ? 0 : logLevel);
    }

}
