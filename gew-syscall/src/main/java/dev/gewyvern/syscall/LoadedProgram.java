package dev.gewyvern.syscall;

/** A program the verifier accepted: its fd, the log when one was asked for, and what verifying it cost. */
public record LoadedProgram(Fd fd, String log, VerifierStats stats) {
}
