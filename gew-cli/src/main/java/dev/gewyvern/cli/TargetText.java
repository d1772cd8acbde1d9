package dev.gewyvern.cli;

import dev.gewyvern.proto.v1.AttachTarget;

/** An AttachTarget written back in the form `--attach` takes. */
final class TargetText {
    private TargetText() {
    }

    static String of(AttachTarget a) {
        switch (a.getKindCase()) {
            case TRACEPOINT: return "tracepoint:" + a.getTracepoint().getCategory() + ":" + a.getTracepoint().getName();
            case RAW_TRACEPOINT: return "raw_tp:" + a.getRawTracepoint().getName();
            case BTF_TRACEPOINT: return "tp_btf:" + a.getBtfTracepoint().getName();
            case PERF_EVENT: return "perf_event:" + a.getPerfEvent().getSoftware() + a.getPerfEvent().getHardware() + ":"
                    + a.getPerfEvent().getCpu();
            case CGROUP: return "cgroup:" + a.getCgroup().getPath();
            case NETDEV: return "netdev:" + a.getNetdev().getName()
                    + (a.getNetdev().getNetns().isEmpty() ? "" : "@" + a.getNetdev().getNetns());
            case NETNS: return "netns:" + a.getNetns().getPath();
            case UPROBE: return "uprobe:" + a.getUprobe().getBinary() + ":" + a.getUprobe().getSymbol();
            case NETFILTER: return "netfilter:" + a.getNetfilter().getFamily() + ":" + a.getNetfilter().getHook() + ":"
                    + a.getNetfilter().getPriority()
                    + (a.getNetfilter().getNetns().isEmpty() ? "" : "@" + a.getNetfilter().getNetns());
            case ITER: return "iter:" + a.getIter().getTarget();
            case UPROBE_MULTI: return "uprobe.multi:" + a.getUprobeMulti().getBinary() + ":"
                    + (a.getUprobeMulti().getPattern().isEmpty() ? String.join(",", a.getUprobeMulti().getSymbolsList())
                    : a.getUprobeMulti().getPattern());
            case TRACING: return "tracing:" + a.getTracing().getFunction();
            case KPROBE: return "kprobe:" + a.getKprobe().getFunction()
                    + (a.getKprobe().getOffset() == 0 ? "" : "+" + a.getKprobe().getOffset());
            case KPROBE_MULTI: return "kprobe.multi:" + (a.getKprobeMulti().getPattern().isEmpty()
                    ? String.join(",", a.getKprobeMulti().getSymbolsList()) : a.getKprobeMulti().getPattern());
            case FREPLACE: return "freplace:" + (a.getFreplace().hasPinned() ? a.getFreplace().getPinned()
                    : a.getFreplace().getProgram());
            case STRUCT_OPS: return "struct_ops";
            default: return "";
        }
    }
}
