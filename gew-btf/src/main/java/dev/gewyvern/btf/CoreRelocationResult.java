package dev.gewyvern.btf;

import java.util.Optional;

/**
 * What one CO-RE relocation resolved to: the value the compiler wrote for the local BTF
 * ({@code localValue}) and the one for the target ({@code targetValue}); whether the instruction's
 * current value is to be checked against {@code localValue} ({@code validate}); the memory size a
 * load or store of the field has locally and in the target ({@code localSize}, {@code targetSize};
 * 0 where the relocation is not a plain field's offset). {@code target} is the matched target spec,
 * empty when nothing matched.
 *
 * <p>{@code poison}: the target has no such field or enumerator and the kind needs one, so the
 * instruction is to be replaced by an invalid call. {@code resizeUnsafe}: the field's size changed
 * and it is neither a pointer nor an unsigned integer, so a load or store of it is poisoned too
 * (an ALU instruction is patched as usual). {@code reason} says why, for either.
 */
public record CoreRelocationResult(CoreReloKind kind, CoreSpec local, Optional<CoreSpec> target, long localValue,
                                   long targetValue, boolean validate, int localSize, int targetSize,
                                   boolean poison, boolean resizeUnsafe, String reason) {
}
