package dev.gewyvern.elf;

/** A program's func_info record: the (sub)function starting at {@code insnIndex} has BTF FUNC {@code typeId}. */
public record FuncInfo(int insnIndex, int typeId) {}
