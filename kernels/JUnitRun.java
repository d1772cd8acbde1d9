// SPDX-License-Identifier: MIT

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs JUnit 5 test classes (or single methods, CLASS#METHOD) in this JVM, without Maven: what the
 * kernels/ scripts use inside a guest under qemu TCG, where Maven alone takes minutes to start. The
 * classpath is the module's test classpath as the host build made it (see kernels/ci).
 *
 *   java -cp RUNNER:TEST_CLASSPATH JUnitRun --report FILE [--label L] CLASS[#METHOD]...
 *
 * Prints one line per test as it ends; appends to FILE one tab-separated line per test
 * ({@code test LABEL CLASS NAME RESULT MILLIS DETAIL}) and per entry a test published through JUnit's
 * TestReporter ({@code entry LABEL CLASS NAME KEY VALUE}). Exit status 0 when no test failed and at
 * least one ran, 1 otherwise.
 */
public final class JUnitRun {
    private JUnitRun() {
    }

    public static void main(String[] args) throws IOException {
        Path report = null;
        String label = "";
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--report" -> report = Path.of(args[++i]);
                case "--label" -> label = args[++i];
                default -> {
                    int hash = args[i].indexOf('#');
                    selectors.add(hash < 0 ? DiscoverySelectors.selectClass(args[i])
                            : DiscoverySelectors.selectMethod(args[i].substring(0, hash), args[i].substring(hash + 1)));
                }
            }
        }
        if (report == null || selectors.isEmpty()) {
            System.err.println("usage: JUnitRun --report FILE [--label L] CLASS[#METHOD]...");
            System.exit(2);
        }
        // as the root pom gives surefire: a test past its limit fails with a dump of every thread (the limit
        // is longer here, since kernels/ scripts run this under qemu TCG: -Dgew.test.timeout to change it)
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .configurationParameter("jqwik.database", "target/.jqwik-database")
                .configurationParameter("junit.jupiter.execution.timeout.default",
                        System.getProperty("gew.test.timeout", "20 m"))
                .configurationParameter("junit.jupiter.execution.timeout.threaddump.enabled", "true").build();
        Listener listener = new Listener(report, label, System.out);
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        System.out.printf("%s: %d passed, %d failed, %d aborted, %d skipped%n", label.isEmpty() ? "tests" : label,
                listener.passed, listener.failed, listener.aborted, listener.skipped);
        System.exit(listener.failed == 0 && listener.passed + listener.aborted > 0 ? 0 : 1);
    }

    private static final class Listener implements TestExecutionListener {
        private final Path report;
        private final String label;
        private final PrintStream out;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private TestPlan plan;
        int passed;
        int failed;
        int aborted;
        int skipped;

        Listener(Path report, String label, PrintStream out) {
            this.report = report;
            this.label = label;
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            started.put(id.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                skipped++;
                record(id, "SKIPPED", 0, reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            long ms = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
            String detail = result.getThrowable().map(JUnitRun::describe).orElse("");
            if (!id.isTest()) {
                // a class whose set-up failed: its tests never ran, so the container counts as a failure
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed++;
                    record(id, "FAILED", ms, detail);
                }
                return;
            }
            switch (result.getStatus()) {
                case SUCCESSFUL -> passed++;
                case FAILED -> failed++;
                case ABORTED -> aborted++;
            }
            record(id, switch (result.getStatus()) {
                case SUCCESSFUL -> "PASSED";
                case FAILED -> "FAILED";
                case ABORTED -> "ABORTED";
            }, ms, detail);
        }

        @Override
        public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
            for (Map.Entry<String, String> e : entry.getKeyValuePairs().entrySet()) {
                out.printf("    %s = %s%n", e.getKey(), e.getValue());
                append(String.join("\t", "entry", label, className(id), name(id), clean(e.getKey()),
                        clean(e.getValue())));
            }
        }

        private void record(TestIdentifier id, String result, long ms, String detail) {
            out.printf("%-8s %s > %s (%d ms)%n", result, className(id), name(id), ms);
            if (!detail.isEmpty() && !result.equals("PASSED")) {
                out.println(detail.indent(4).stripTrailing());
            }
            append(String.join("\t", "test", label, className(id), name(id), result, Long.toString(ms),
                    clean(firstLine(detail))));
        }

        private String className(TestIdentifier id) {
            Optional<TestIdentifier> p = Optional.of(id);
            while (p.isPresent()) {
                TestSource source = p.get().getSource().orElse(null);
                if (source instanceof ClassSource c) {
                    return c.getClassName().substring(c.getClassName().lastIndexOf('.') + 1);
                }
                if (source instanceof MethodSource m) {
                    return m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
                }
                p = plan.getParent(p.get());
            }
            return "?";
        }

        /** The test's display name, after its factory's or template's name for dynamic and parameterized tests. */
        private String name(TestIdentifier id) {
            String n = id.getDisplayName();
            Optional<TestIdentifier> parent = plan.getParent(id);
            if (parent.isPresent() && parent.get().getSource().orElse(null) instanceof MethodSource) {
                n = parent.get().getDisplayName() + " " + n;
            }
            return n;
        }

        private synchronized void append(String line) {
            try {
                Files.writeString(report, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static String describe(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}
