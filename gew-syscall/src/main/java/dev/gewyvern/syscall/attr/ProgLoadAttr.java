package dev.gewyvern.syscall.attr;

import static dev.gewyvern.syscall.attr.AttrLayout.f;

import java.util.List;

import dev.gewyvern.elf.uapi.AttachType;
import dev.gewyvern.elf.uapi.ProgType;

/**
 * BPF_PROG_LOAD. {@code funcInfo} and {@code lineInfo} are the kernel's bpf_func_info (8 bytes) and
 * bpf_line_info (16 bytes) records, already in instruction indexes; null when there are none.
 */
public record ProgLoadAttr(int progType, int expectedAttachType, NativeArg.In insns, String license, String name,
                           int kernVersion, int progFlags, int logLevel, NativeArg.Out log, int progBtfFd,
                           NativeArg.In funcInfo, NativeArg.In lineInfo, int attachBtfId, int attachBtfObjFd)
        implements BpfAttr {
    public static final int FUNC_INFO_REC_SIZE = 8;
    public static final int LINE_INFO_REC_SIZE = 16;

    static final AttrField PROG_TYPE = f("prog_type", 0, 4);
    static final AttrField INSN_CNT = f("insn_cnt", 4, 4);
    static final AttrField INSNS = f("insns", 8, 8);
    static final AttrField LICENSE = f("license", 16, 8);
    static final AttrField LOG_LEVEL = f("log_level", 24, 4);
    static final AttrField LOG_SIZE = f("log_size", 28, 4);
    static final AttrField LOG_BUF = f("log_buf", 32, 8);
    static final AttrField KERN_VERSION = f("kern_version", 40, 4);
    static final AttrField PROG_FLAGS = f("prog_flags", 44, 4);
    static final AttrField PROG_NAME = f("prog_name", 48, 16);
    static final AttrField PROG_IFINDEX = f("prog_ifindex", 64, 4);
    static final AttrField EXPECTED_ATTACH_TYPE = f("expected_attach_type", 68, 4);
    static final AttrField PROG_BTF_FD = f("prog_btf_fd", 72, 4);
    static final AttrField FUNC_INFO_REC_SIZE_F = f("func_info_rec_size", 76, 4);
    static final AttrField FUNC_INFO = f("func_info", 80, 8);
    static final AttrField FUNC_INFO_CNT = f("func_info_cnt", 88, 4);
    static final AttrField LINE_INFO_REC_SIZE_F = f("line_info_rec_size", 92, 4);
    static final AttrField LINE_INFO = f("line_info", 96, 8);
    static final AttrField LINE_INFO_CNT = f("line_info_cnt", 104, 4);
    static final AttrField ATTACH_BTF_ID = f("attach_btf_id", 108, 4);
    static final AttrField ATTACH_BTF_OBJ_FD = f("attach_btf_obj_fd", 112, 4);
    static final AttrField CORE_RELO_CNT = f("core_relo_cnt", 116, 4);
    static final AttrField FD_ARRAY = f("fd_array", 120, 8);
    static final AttrField CORE_RELOS = f("core_relos", 128, 8);
    static final AttrField CORE_RELO_REC_SIZE = f("core_relo_rec_size", 136, 4);
    static final AttrField LOG_TRUE_SIZE = f("log_true_size", 140, 4);
    public static final AttrLayout LAYOUT = new AttrLayout("bpf_attr", null, List.of(PROG_TYPE, INSN_CNT, INSNS, LICENSE,
            LOG_LEVEL, LOG_SIZE, LOG_BUF, KERN_VERSION, PROG_FLAGS, PROG_NAME, PROG_IFINDEX, EXPECTED_ATTACH_TYPE,
            PROG_BTF_FD, FUNC_INFO_REC_SIZE_F, FUNC_INFO, FUNC_INFO_CNT, LINE_INFO_REC_SIZE_F, LINE_INFO, LINE_INFO_CNT,
            ATTACH_BTF_ID, ATTACH_BTF_OBJ_FD, CORE_RELO_CNT, FD_ARRAY, CORE_RELOS, CORE_RELO_REC_SIZE,
            LOG_TRUE_SIZE));

    public BpfCommand command() {
        return BpfCommand.BPF_PROG_LOAD;
    }

    public AttrLayout layout() {
        return LAYOUT;
    }

    /** Where the kernel writes the full log length it wanted (6.4+), read back after the call. */
    public static int logTrueSizeOffset() {
        return LOG_TRUE_SIZE.offset();
    }

    /**
     * A program of {@code progType} (a number, so that a probe can load a type newer than {@link ProgType})
     * with no expected attach type, flags, BTF or log; the {@code with...} methods add them.
     */
    public static ProgLoadAttr of(int progType, NativeArg.In insns, String license, String name) {
        return new ProgLoadAttr(progType, 0, insns, license, name, 0, 0, 0, null, 0, null, null, 0, 0);
    }

    public static ProgLoadAttr of(ProgType type, NativeArg.In insns, String license, String name) {
        return of(type.value(), insns, license, name);
    }

    /** expected_attach_type, as a number (0: none). */
    public ProgLoadAttr withExpectedAttachType(int attachType) {
        return new ProgLoadAttr(progType, attachType, insns, license, name, kernVersion, progFlags, logLevel, log,
                progBtfFd, funcInfo, lineInfo, attachBtfId, attachBtfObjFd);
    }

    public ProgLoadAttr withExpectedAttachType(AttachType attachType) {
        return withExpectedAttachType(attachType.value());
    }

    /** kern_version (what kprobe programs of old kernels had to state) and the BPF_F_* prog_flags. */
    public ProgLoadAttr withVersionAndFlags(int version, int flags) {
        return new ProgLoadAttr(progType, expectedAttachType, insns, license, name, version, flags, logLevel, log,
                progBtfFd, funcInfo, lineInfo, attachBtfId, attachBtfObjFd);
    }

    /** The program's BTF object and its func and line info records (null when there are none). */
    public ProgLoadAttr withBtf(int btfFd, NativeArg.In funcInfoRecords, NativeArg.In lineInfoRecords) {
        return new ProgLoadAttr(progType, expectedAttachType, insns, license, name, kernVersion, progFlags, logLevel,
                log, btfFd, funcInfoRecords, lineInfoRecords, attachBtfId, attachBtfObjFd);
    }

    /**
     * What a BTF-attached program is loaded against: the type id in vmlinux (or in the BTF of the program
     * {@code objFd}, for freplace), 0 for none.
     */
    public ProgLoadAttr withAttachBtf(int btfId, int objFd) {
        return new ProgLoadAttr(progType, expectedAttachType, insns, license, name, kernVersion, progFlags, logLevel,
                log, progBtfFd, funcInfo, lineInfo, btfId, objFd);
    }

    public ProgLoadAttr withLog(int level, NativeArg.Out buffer) {
        return new ProgLoadAttr(progType, expectedAttachType, insns, license, name, kernVersion, progFlags, level,
                buffer, progBtfFd, funcInfo, lineInfo, attachBtfId, attachBtfObjFd);
    }

    public void encode(AttrBuffer out) {
        out.u32(PROG_TYPE, progType).u32(INSN_CNT, insns.size() / 8).ptr(INSNS, insns)
                .ptr(LICENSE, NativeArg.cString(license)).u32(LOG_LEVEL, log == null ? 0 : logLevel)
                .u32(LOG_SIZE, log == null ? 0 : log.size()).ptr(LOG_BUF, log).u32(KERN_VERSION, kernVersion)
                .u32(PROG_FLAGS, progFlags).chars(PROG_NAME, name).u32(EXPECTED_ATTACH_TYPE, expectedAttachType)
                .u32(PROG_BTF_FD, progBtfFd).u32(ATTACH_BTF_ID, attachBtfId).u32(ATTACH_BTF_OBJ_FD, attachBtfObjFd);
        if (funcInfo != null && funcInfo.size() > 0) {
            out.u32(FUNC_INFO_REC_SIZE_F, FUNC_INFO_REC_SIZE).ptr(FUNC_INFO, funcInfo)
                    .u32(FUNC_INFO_CNT, funcInfo.size() / FUNC_INFO_REC_SIZE);
        }
        if (lineInfo != null && lineInfo.size() > 0) {
            out.u32(LINE_INFO_REC_SIZE_F, LINE_INFO_REC_SIZE).ptr(LINE_INFO, lineInfo)
                    .u32(LINE_INFO_CNT, lineInfo.size() / LINE_INFO_REC_SIZE);
        }
    }

}
