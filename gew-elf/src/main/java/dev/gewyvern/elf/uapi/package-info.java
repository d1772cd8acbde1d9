/**
 * The kernel's uapi enums gewyvern names: program, attach, map and link types, generated from a kernel's
 * BTF and held against the running kernel's by a test. Pure values: nothing here reads the kernel.
 */
package dev.gewyvern.elf.uapi;
