package dev.gewyvern.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.gewyvern.btf.Btf;
import dev.gewyvern.btf.BtfKind;
import dev.gewyvern.btf.BtfType;
import dev.gewyvern.elf.BpfObject;
import dev.gewyvern.elf.Extern;
import dev.gewyvern.elf.KsymValue;

/**
 * Resolves an object's .ksyms externs against the running kernel as libbpf does: kfuncs and typed
 * variables by name in vmlinux BTF (their BTF ids), typeless symbols by address in /proc/kallsyms.
 * A weak extern the kernel lacks is absent (0); a strong one is a verify error naming it.
 * Module BTF is not searched yet.
 */
final class KernelSymbols implements KsymValue.Resolver {
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");
    private static Map<String, Long> kallsyms;
    private final String objectId;
    private final BpfObject object;

    KernelSymbols(String objectId, BpfObject object) {
        this.objectId = objectId;
        this.object = object;
    }

    @Override
    public KsymValue resolve(Extern e) {
        Btf vmlinux = AttachBtf.vmlinux();
        if (e.kind() == Extern.Kind.KFUNC) {
            int id = vmlinux.find(BtfKind.FUNC, e.name());
            return id > 0 ? new KsymValue.BtfId(id) : absent(e, "no function '" + e.name() + "' in the kernel's BTF");
        }
        Btf own = object.btf().orElseThrow();
        boolean typeless = own.type(own.resolve(e.btfTypeId())) instanceof BtfType.Void;
        if (!typeless) {
            int id = vmlinux.find(BtfKind.VAR, e.name());
            return id > 0 ? new KsymValue.BtfId(id) : absent(e, "no variable '" + e.name() + "' in the kernel's BTF");
        }
        Long address = kallsyms().get(e.name());
        return address != null && address != 0 ? new KsymValue.Address(address)
                : absent(e, "no symbol '" + e.name() + "' with an address in " + KALLSYMS);
    }

    private KsymValue absent(Extern e, String why) {
        if (e.weak()) {
            return new KsymValue.Absent();
        }
        throw SessionException.notFound(Step.VERIFY, "object '" + objectId + "': .ksyms extern '" + e.name() + "': " + why
                + "; declare it __weak to let it read 0" + (e.kind() == Extern.Kind.KFUNC ? " (kfuncs of modules are "
                + "not searched yet)" : ""));
    }

    private static synchronized Map<String, Long> kallsyms() {
        if (kallsyms == null) {
            Map<String, Long> m = new HashMap<>();
            try (Stream<String> lines = Files.lines(KALLSYMS)) {
                lines.forEach(l -> {
                    String[] f = l.split("\\s+");
                    if (f.length >= 3) {
                        try {
                            m.putIfAbsent(f[2], Long.parseUnsignedLong(f[0], 16));
                        } catch (NumberFormatException ignored) {
                            // a line that is no symbol: skip it
                        }
                    }
                });
            } catch (IOException e) {
                throw SessionException.system(Step.VERIFY, "cannot read " + KALLSYMS + " for typeless .ksyms externs: "
                        + IoErrors.reason(e));
            }
            kallsyms = m;
        }
        return kallsyms;
    }
}
