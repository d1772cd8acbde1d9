// SPDX-License-Identifier: MIT
/*
 * sections: one small program for each SEC() convention this kernel loads, so that the section
 * table's program types, expected attach types and load flags are tried against the kernel
 * (and against bpftool prog loadall, which must load exactly the same programs).
 * Programs return the value their type's verifier accepts ("pass" where there is a choice).
 * Sections the test kernel refuses by policy (fentry, fexit, fmod_ret, lsm) are in tracing.bpf.c;
 * sections newer than the libbpf of Debian's bpftool 7.1 (libbpf 1.1) are in sections_new.bpf.c.
 *
 * Built by testdata/Makefile into obj/sections.bpf.o and obj/sections.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(sec, name, ctx, ret) SEC(sec) int name(ctx *c) { return ret; }

/* sockets and traffic control */
PROG("socket", s_socket, struct __sk_buff, 0)
PROG("sk_reuseport", s_reuseport, struct sk_reuseport_md, SK_PASS)
PROG("sk_reuseport/migrate", s_reuseport_migrate, struct sk_reuseport_md, SK_PASS)
PROG("tc", s_tc, struct __sk_buff, 0)
PROG("classifier", s_classifier, struct __sk_buff, 0)
PROG("action", s_action, struct __sk_buff, 0)
PROG("xdp", s_xdp, struct xdp_md, XDP_PASS)
PROG("xdp.frags", s_xdp_frags, struct xdp_md, XDP_PASS)
PROG("xdp/devmap", s_xdp_devmap, struct xdp_md, XDP_PASS)
PROG("xdp/cpumap", s_xdp_cpumap, struct xdp_md, XDP_PASS)
PROG("xdp.frags/devmap", s_xdp_frags_devmap, struct xdp_md, XDP_PASS)
PROG("xdp.frags/cpumap", s_xdp_frags_cpumap, struct xdp_md, XDP_PASS)
PROG("lwt_in", s_lwt_in, struct __sk_buff, 0)
PROG("lwt_out", s_lwt_out, struct __sk_buff, 0)
PROG("lwt_xmit", s_lwt_xmit, struct __sk_buff, 0)
PROG("lwt_seg6local", s_lwt_seg6local, struct __sk_buff, 0)
PROG("sockops", s_sockops, struct bpf_sock_ops, 1)
PROG("sk_skb/stream_parser", s_skb_parser, struct __sk_buff, 0)
PROG("sk_skb/stream_verdict", s_skb_verdict, struct __sk_buff, SK_PASS)
PROG("sk_skb", s_skb, struct __sk_buff, SK_PASS)
PROG("sk_msg", s_msg, struct sk_msg_md, SK_PASS)
PROG("flow_dissector", s_flow, struct __sk_buff, 0)
PROG("sk_lookup", s_lookup, struct bpf_sk_lookup, SK_PASS)

/* cgroups */
PROG("cgroup_skb/ingress", s_cg_ingress, struct __sk_buff, 1)
PROG("cgroup_skb/egress", s_cg_egress, struct __sk_buff, 1)
PROG("cgroup/skb", s_cg_skb, struct __sk_buff, 1)
PROG("cgroup/sock_create", s_cg_sock_create, struct bpf_sock, 1)
PROG("cgroup/sock_release", s_cg_sock_release, struct bpf_sock, 1)
PROG("cgroup/sock", s_cg_sock, struct bpf_sock, 1)
PROG("cgroup/post_bind4", s_cg_post_bind4, struct bpf_sock, 1)
PROG("cgroup/post_bind6", s_cg_post_bind6, struct bpf_sock, 1)
PROG("cgroup/bind4", s_cg_bind4, struct bpf_sock_addr, 1)
PROG("cgroup/bind6", s_cg_bind6, struct bpf_sock_addr, 1)
PROG("cgroup/connect4", s_cg_connect4, struct bpf_sock_addr, 1)
PROG("cgroup/connect6", s_cg_connect6, struct bpf_sock_addr, 1)
PROG("cgroup/sendmsg4", s_cg_sendmsg4, struct bpf_sock_addr, 1)
PROG("cgroup/sendmsg6", s_cg_sendmsg6, struct bpf_sock_addr, 1)
PROG("cgroup/recvmsg4", s_cg_recvmsg4, struct bpf_sock_addr, 1)
PROG("cgroup/recvmsg6", s_cg_recvmsg6, struct bpf_sock_addr, 1)
PROG("cgroup/getpeername4", s_cg_getpeername4, struct bpf_sock_addr, 1)
PROG("cgroup/getpeername6", s_cg_getpeername6, struct bpf_sock_addr, 1)
PROG("cgroup/getsockname4", s_cg_getsockname4, struct bpf_sock_addr, 1)
PROG("cgroup/getsockname6", s_cg_getsockname6, struct bpf_sock_addr, 1)
PROG("cgroup/sysctl", s_cg_sysctl, struct bpf_sysctl, 1)
PROG("cgroup/getsockopt", s_cg_getsockopt, struct bpf_sockopt, 1)
PROG("cgroup/setsockopt", s_cg_setsockopt, struct bpf_sockopt, 1)
PROG("cgroup/dev", s_cg_dev, struct bpf_cgroup_dev_ctx, 1)

/* tracing that needs no kprobes */
PROG("tracepoint/syscalls/sys_enter_getppid", s_tracepoint, void, 0)
PROG("tp/syscalls/sys_enter_getppid", s_tp, void, 0)
PROG("raw_tracepoint/sys_enter", s_raw_tracepoint, void, 0)
PROG("raw_tp/sys_enter", s_raw_tp, void, 0)
PROG("tp_btf/sched_switch", s_tp_btf, void, 0)
PROG("perf_event", s_perf_event, void, 0)
PROG("syscall", s_syscall, void, 0)

char LICENSE[] SEC("license") = "GPL";
