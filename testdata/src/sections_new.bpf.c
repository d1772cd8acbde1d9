// SPDX-License-Identifier: MIT
/*
 * sections_new: the SEC() conventions libbpf added after 1.1 (tcx, netkit, the tc/ aliases,
 * sk_skb/verdict, netfilter, the cgroup unix-socket hooks). gewyvern loads them; Debian's bpftool
 * 7.1 (libbpf 1.1) refuses the whole object ("failed to guess program type"), which the
 * comparison test expects.
 *
 * Built by testdata/Makefile into obj/sections_new.bpf.o and obj/sections_new.bpfeb.o.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROG(sec, name, ctx, ret) SEC(sec) int name(ctx *c) { return ret; }

PROG("tcx/ingress", s_tcx_ingress, struct __sk_buff, 0)
PROG("tcx/egress", s_tcx_egress, struct __sk_buff, 0)
PROG("tc/ingress", s_tc_ingress, struct __sk_buff, 0)
PROG("tc/egress", s_tc_egress, struct __sk_buff, 0)
PROG("netkit/primary", s_netkit_primary, struct __sk_buff, 0)
PROG("netkit/peer", s_netkit_peer, struct __sk_buff, 0)
PROG("sk_skb/verdict", s_skb_verdict2, struct __sk_buff, SK_PASS)
PROG("netfilter", s_netfilter, void, 1)
PROG("cgroup/connect_unix", s_cg_connect_unix, struct bpf_sock_addr, 1)
PROG("cgroup/sendmsg_unix", s_cg_sendmsg_unix, struct bpf_sock_addr, 1)
PROG("cgroup/recvmsg_unix", s_cg_recvmsg_unix, struct bpf_sock_addr, 1)
PROG("cgroup/getpeername_unix", s_cg_getpeername_unix, struct bpf_sock_addr, 1)
PROG("cgroup/getsockname_unix", s_cg_getsockname_unix, struct bpf_sock_addr, 1)

char LICENSE[] SEC("license") = "GPL";
