package dev.gewyvern.cli;

import java.util.concurrent.Callable;

import dev.gewyvern.session.control.Pairing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gew unpair}: forget the paired control plane; a running server refuses it from its next request. */
@Command(name = "unpair", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n", footer = {"  gew unpair"},
        description = "Forget the paired control plane (effective on its next request, no restart needed).")
final class UnpairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    StateDirOption stateDir;

    @Override
    public Integer call() {
        Root.require("unpair");
        boolean was = new Pairing(stateDir.open()).unpair();
        spec.commandLine().getOut().println(was ? "unpaired: the control plane's key is forgotten" : "nothing was paired");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
