package dev.gewyvern.session;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gewyvern.elf.AppliedCoreRelocation;
import dev.gewyvern.elf.BpfProgram;

/**
 * Turns the verifier's "invalid func unknown#195896080" into words. A CO-RE relocation whose
 * target was not found poisons its instruction (a call of helper 0xbad2310); when the verifier
 * reaches one, the program is refused. This finds which relocation it was, from the instruction
 * the log stopped at, and says what could not be resolved and at which source line.
 */
final class CorePoison {
    static final String POISON = "unknown#" + dev.gewyvern.elf.CorePatch.POISON_IMM;
    private static final Pattern CALL = Pattern.compile("(?m)^(\\d+): \\(85\\) call " + Pattern.quote(POISON));

    private CorePoison() {
    }

    /** An explanation to append to the verifier's refusal, or "" when no poisoned instruction is involved. */
    static String explain(BpfProgram prog, String log) {
        if (log == null || !log.contains(POISON)) {
            return "";
        }
        List<AppliedCoreRelocation> poisoned = new ArrayList<>();
        prog.coreApplied().stream().filter(AppliedCoreRelocation::poisoned).forEach(poisoned::add);
        if (poisoned.isEmpty()) {
            return "";
        }
        int reached = -1;
        Matcher m = CALL.matcher(log);
        while (m.find()) {
            reached = Integer.parseInt(m.group(1));
        }
        List<AppliedCoreRelocation> culprits = new ArrayList<>();
        for (AppliedCoreRelocation a : poisoned) {
            int at = a.relocation().insnIndex();
            if (at == reached || (a.before().isLdImm64() && at + 1 == reached)) {
                culprits.add(a);
            }
        }
        if (culprits.isEmpty()) {
            culprits = poisoned;
        }
        StringBuilder b = new StringBuilder();
        for (AppliedCoreRelocation a : culprits) {
            b.append("\n  ").append(describe(a));
        }
        return "\nIt reached an instruction poisoned by a CO-RE relocation that could not be resolved:" + b
                + "\n  Guard the access (bpf_core_field_exists, bpf_core_type_exists, bpf_core_enum_value_exists) "
                + "or read a flavour of the type (name___suffix) that matches this kernel.";
    }

    static String describe(AppliedCoreRelocation a) {
        return a.where() + " (" + a.result().kind().label() + " of " + a.result().local().describe() + "): "
                + a.result().reason() + a.line().map(l -> "; source: " + l.text().strip()).orElse("");
    }
}
