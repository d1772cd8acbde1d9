package dev.gewyvern.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.gewyvern.elf.ElfException;
import dev.gewyvern.elf.ElfSymbolTable;
import dev.gewyvern.elf.ProgramSection;
import dev.gewyvern.proto.v1.Program;
import dev.gewyvern.proto.v1.UprobeMulti;
import dev.gewyvern.syscall.Fd;
import dev.gewyvern.syscall.kernel.SymbolRules;
import dev.gewyvern.syscall.link.Links;
import dev.gewyvern.syscall.link.ProbeMode;
import dev.gewyvern.syscall.link.UprobeTargets;

/**
 * An {@link UprobeMulti} target: several functions of one ELF binary, named or matched by a glob over the
 * binary's own function symbols, linked through one uprobe.multi link (with a cookie per function).
 */
final class UprobeMultiTarget {
    private UprobeMultiTarget() {
    }

    /** Checks what needs no kernel and no file; {@code field} names the target in errors. */
    static void validate(String field, UprobeMulti u) {
        Attacher.absolute(field + ".binary", u.getBinary());
        if (u.getSymbolsCount() == 0 == u.getPattern().isEmpty()) {
            throw Attacher.bad(field, "give either symbols or a pattern (not both, not neither)");
        }
        for (int i = 0; i < u.getSymbolsCount(); i++) {
            if (!SymbolRules.SYMBOL.matcher(u.getSymbols(i)).matches()) {
                throw Attacher.bad(field + ".symbols[" + i + "]", "'" + u.getSymbols(i) + "' is not a symbol name");
            }
        }
        if (!u.getPattern().isEmpty() && !SymbolRules.USER_GLOB.matcher(u.getPattern()).matches()) {
            throw Attacher.bad(field + ".pattern", "'" + u.getPattern() + "' is not a glob over symbol names "
                    + "(letters, digits, _ . $ @, and * or ?)");
        }
        if (u.getCookiesCount() != 0 && u.getCookiesCount() != u.getSymbolsCount()) {
            throw Attacher.bad(field + ".cookies", u.getCookiesCount() + " cookies for " + u.getSymbolsCount()
                    + " symbols: give one per symbol, in their order (cookies need symbols, not a pattern)");
        }
    }

    /** The functions the target names: its symbols, or every function of the binary its pattern matches. */
    static List<String> symbols(Program p, UprobeMulti u, byte[] elf) {
        if (u.getPattern().isEmpty()) {
            return u.getSymbolsList();
        }
        List<String> out = new ArrayList<>();
        try {
            for (String name : ElfSymbolTable.functionNames(elf)) {
                if (SymbolRules.matches(u.getPattern(), name)) {
                    out.add(name);
                }
            }
        } catch (ElfException e) {
            throw SessionException.invalid(Step.ATTACH, "program '" + p.getName() + "': " + u.getBinary() + " is not an "
                    + "ELF binary gewyvern can read: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw SessionException.notFound(Step.ATTACH, "program '" + p.getName() + "': no function of " + u.getBinary()
                    + " matches '" + u.getPattern() + "' (its .symtab and .dynsym; `nm -D " + u.getBinary()
                    + "` lists them)");
        }
        return out;
    }

    static Attacher.Attached attach(Program p, Fd prog, ProgramSection.Match match) {
        Attacher.need(p, match, "uprobe_multi", ProgramSection.UPROBE_MULTI, ProgramSection.URETPROBE_MULTI,
                ProgramSection.UPROBE_MULTI_S, ProgramSection.URETPROBE_MULTI_S, ProgramSection.UPROBE_SESSION,
                ProgramSection.UPROBE_SESSION_S);
        boolean ret = match.kind() == ProgramSection.URETPROBE_MULTI || match.kind() == ProgramSection.URETPROBE_MULTI_S;
        boolean session = match.kind() == ProgramSection.UPROBE_SESSION || match.kind() == ProgramSection.UPROBE_SESSION_S;
        UprobeMulti u = p.getAttach().getUprobeMulti();
        Path bin = Path.of(u.getBinary());
        List<String> symbols = symbols(p, u, Links.readElf(bin));
        long[] cookies = u.getCookiesList().stream().mapToLong(Long::longValue).toArray();
        String detail = (u.getPattern().isEmpty() ? "" : symbols.size() + " functions")
                + (u.getPid() == 0 ? "" : (u.getPattern().isEmpty() ? "" : ", ") + "process " + u.getPid());
        return new Attacher.Attached(Links.uprobeMulti(prog, UprobeTargets.of(bin, symbols).withCookies(cookies)
                .inProcess(u.getPid()), session ? ProbeMode.SESSION : ret ? ProbeMode.RETURN : ProbeMode.ENTRY), match,
                p.getAttach(), detail);
    }
}
