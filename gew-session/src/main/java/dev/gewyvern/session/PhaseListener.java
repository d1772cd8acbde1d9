package dev.gewyvern.session;

/** Hears what a session does, phase by phase, as it happens. */
@FunctionalInterface
public interface PhaseListener {
    void event(PhaseEvent event);

    PhaseListener SILENT = event -> { };
}
