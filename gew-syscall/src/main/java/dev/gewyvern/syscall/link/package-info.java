/**
 * bpf_links for every attach kind: one method per kind in {@link dev.gewyvern.syscall.link.Links}, the
 * tracefs tracepoint ids behind tracepoint links, and the options multi-probe links take.
 */
package dev.gewyvern.syscall.link;
