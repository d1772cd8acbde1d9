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
            default: return "";
        }
    }
}
