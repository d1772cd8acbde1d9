package dev.gewyvern.syscall;

/** A program the verifier accepted: its fd, and the log when one was asked for. */
public record LoadedProgram(Fd fd, String log) {
}
