// SPDX-License-Identifier: MIT
// The floor of bench/cold.sh: what a gew command's path costs with every gewyvern class removed. It is run
// exactly as the launcher runs gew (the same JVM flags, gew-cli.jar's class path with this class after it, and
// gew's AppCDS archive), and does what the command does with the libraries gew is built on, but none of gew's
// own code. No class of dev.gewyvern is loaded; like a gew command, finding this class opens every jar of
// the class path (picocli's look-up of Groovy does that in every gew command).
//
//   java ... Floor jvm                 start and print a line: the launcher's floor
//   java ... Floor look [-o text]      a light command (list, show, info): picocli parses the command line of
//                                      an annotated command, one protobuf report message with a map field is
//                                      built (protobuf starts, and builds that message's file descriptor, as
//                                      any gew report does) and printed as a line
//   java ... Floor load [-o text]      an apply's libraries: the same, and jffi (jnr's native core, which gew
//                                      binds libc with) binds libc's syscall(2) and makes one call (getpid):
//                                      the native layer's start. The kernel's own
//                                      share of an apply (verifier, maps) is not here: bench/cold.sh adds the
//                                      peer's system time for it

import java.util.concurrent.Callable;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "floor")
public final class Floor implements Callable<Integer> {
    private static final long SYS_GETPID = 39; // x86_64

    @CommandLine.Parameters(index = "0", description = "jvm, look or load")
    String mode;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json")
    String output;

    @Override
    public Integer call() {
        long pid = 0;
        if (mode.equals("load")) {
            // libc's syscall(2) bound as gew binds libc: a symbol address and a call signature, called through jffi
            long address = com.kenai.jffi.Library.getDefault().getSymbolAddress("syscall");
            com.kenai.jffi.CallContext context = com.kenai.jffi.CallContext.getCallContext(com.kenai.jffi.Type.SINT64,
                    new com.kenai.jffi.Type[] {com.kenai.jffi.Type.SINT64}, com.kenai.jffi.CallingConvention.DEFAULT, true);
            pid = com.kenai.jffi.Invoker.getInstance().invokeN1(context, address, SYS_GETPID);
        }
        Struct report = Struct.newBuilder()
                .putFields("mode", Value.newBuilder().setStringValue(mode).build())
                .putFields("pid", Value.newBuilder().setNumberValue(pid).build())
                .build();
        System.out.println(report.getFieldsMap().size() + " fields, mode "
                + report.getFieldsOrThrow("mode").getStringValue() + ", " + report.getDescriptorForType().getFullName());
        return 0;
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("jvm")) {
            System.out.println("floor");
            return;
        }
        System.exit(new CommandLine(new Floor()).execute(args));
    }
}
