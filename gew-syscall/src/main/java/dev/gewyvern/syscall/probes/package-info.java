/**
 * What the running kernel can do, asked of the kernel itself: the capability probes, one file per category
 * (program types, map types, helpers, attach kinds, loader features, and the two attach kinds whose probe is
 * a link or a target class of its own: multi-kprobes and fmod_ret), their answers ({@link
 * dev.gewyvern.syscall.probes.Capabilities}, each a {@link dev.gewyvern.syscall.probes.Capability} with its
 * {@link dev.gewyvern.syscall.probes.Support}: supported, not supported and why, or inconclusive), and the
 * per-boot cache of those answers. Each probe creates only its own throwaway objects and closes them at once.
 */
package dev.gewyvern.syscall.probes;
