package dev.gewyvern.cli;

import picocli.CommandLine.IVersionProvider;

final class Version implements IVersionProvider {
    static final String VERSION = dev.gewyvern.session.Engine.VERSION;

    @Override
    public String[] getVersion() {
        return new String[] {"gew " + VERSION + " (Java " + System.getProperty("java.version") + ")"};
    }
}
