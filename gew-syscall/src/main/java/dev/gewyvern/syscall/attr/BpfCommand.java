package dev.gewyvern.syscall.attr;

/** The bpf(2) commands we issue, with their numbers in {@code enum bpf_cmd} (checked against kernel BTF). */
public enum BpfCommand {
    BPF_MAP_CREATE(0),
    BPF_MAP_LOOKUP_ELEM(1),
    BPF_MAP_UPDATE_ELEM(2),
    BPF_MAP_DELETE_ELEM(3),
    BPF_MAP_GET_NEXT_KEY(4),
    BPF_PROG_LOAD(5),
    BPF_OBJ_PIN(6),
    BPF_OBJ_GET(7),
    BPF_PROG_TEST_RUN(10),
    BPF_OBJ_GET_INFO_BY_FD(15),
    BPF_RAW_TRACEPOINT_OPEN(17),
    BPF_BTF_LOAD(18),
    BPF_BTF_GET_FD_BY_ID(19),
    BPF_MAP_FREEZE(22),
    BPF_BTF_GET_NEXT_ID(23),
    BPF_MAP_LOOKUP_BATCH(24),
    BPF_LINK_CREATE(28),
    BPF_LINK_GET_FD_BY_ID(30),
    BPF_ITER_CREATE(33),
    BPF_TOKEN_CREATE(36);

    private final int number;

    BpfCommand(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
