package dev.gewyvern.session;

import java.util.Map;
import java.util.Optional;

/**
 * The documented list of what is risky (docs/spec.md §9): programs that can drop packets or deny operations,
 * helpers that write user memory, override return values or send signals, and attachments a crash could
 * strand. Names are the kernel's, without their enum prefix.
 */
final class RiskTable {
    private static final Map<String, String> PROGRAM_TYPES = Map.ofEntries(
            Map.entry("xdp", "can drop or redirect every packet of an interface"),
            Map.entry("sched_cls", "can drop, rewrite or redirect packets of an interface"),
            Map.entry("sched_act", "can drop, rewrite or redirect packets of an interface"),
            Map.entry("cgroup_skb", "can drop the packets of every process in a cgroup"),
            Map.entry("cgroup_sock", "can deny socket creation in a cgroup"),
            Map.entry("cgroup_sock_addr", "can deny or rewrite bind and connect in a cgroup"),
            Map.entry("cgroup_sockopt", "can deny or rewrite socket options in a cgroup"),
            Map.entry("cgroup_sysctl", "can deny or rewrite sysctl access in a cgroup"),
            Map.entry("cgroup_device", "can deny device access in a cgroup"),
            Map.entry("lsm", "can deny security-checked operations system-wide"),
            Map.entry("sk_lookup", "steers incoming connections to other sockets"),
            Map.entry("sk_skb", "can drop or redirect socket data"),
            Map.entry("sk_msg", "can drop or redirect socket data"),
            Map.entry("sock_ops", "changes TCP behaviour of a cgroup's sockets"),
            Map.entry("flow_dissector", "replaces the kernel's flow dissector for a network namespace"),
            Map.entry("netfilter", "can drop packets at a netfilter hook"),
            Map.entry("lwt_in", "can drop packets of a route"),
            Map.entry("lwt_out", "can drop packets of a route"),
            Map.entry("lwt_xmit", "can drop or redirect packets of a route"),
            Map.entry("lwt_seg6local", "can drop or redirect packets of a route"),
            Map.entry("struct_ops", "replaces kernel behaviour (a TCP congestion control, a scheduler)"),
            Map.entry("ext", "replaces a function of a loaded BPF program"));

    private static final Map<String, String> HELPERS = Map.of(
            "probe_write_user", "writes the memory of user processes",
            "override_return", "overrides the return value of a kernel function",
            "send_signal", "sends signals to processes",
            "send_signal_thread", "sends signals to threads",
            "sys_bpf", "makes bpf(2) calls from inside a program",
            "sys_close", "closes file descriptors from inside a program");

    private RiskTable() {
    }

    static Optional<String> programType(String name) {
        return Optional.ofNullable(PROGRAM_TYPES.get(name));
    }

    static Optional<String> helper(String name) {
        return Optional.ofNullable(HELPERS.get(name));
    }
}
