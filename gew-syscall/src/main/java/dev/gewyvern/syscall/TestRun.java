package dev.gewyvern.syscall;

/**
 * What one BPF_PROG_TEST_RUN returned: the program's return value, the kernel's average run time,
 * and the data and context the program left (empty when none was asked for).
 */
public record TestRun(int retval, int durationNs, byte[] dataOut, byte[] ctxOut) {
    public TestRun {
        dataOut = dataOut.clone();
        ctxOut = ctxOut.clone();
    }

    @Override
    public byte[] dataOut() {
        return dataOut.clone();
    }

    @Override
    public byte[] ctxOut() {
        return ctxOut.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TestRun t && t.retval == retval && t.durationNs == durationNs
                && java.util.Arrays.equals(t.dataOut, dataOut) && java.util.Arrays.equals(t.ctxOut, ctxOut);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(retval, durationNs, java.util.Arrays.hashCode(dataOut),
                java.util.Arrays.hashCode(ctxOut));
    }

    @Override
    public String toString() {
        return "TestRun[retval=" + retval + ", durationNs=" + durationNs + ", dataOut=" + dataOut.length
                + " bytes, ctxOut=" + ctxOut.length + " bytes]";
    }
}
