// SPDX-License-Identifier: MIT
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes on the JUnit Platform as surefire would, without Maven (which is too slow to start
 * under qemu TCG), and writes one line per test: RESULT, class, test, milliseconds, message, tab-separated.
 * Usage: java -cp TEST_CLASSPATH:. TierRunner OUT.tsv CLASS...
 */
public final class TierRunner {
    private TierRunner() {
    }

    public static void main(String[] args) throws Exception {
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            selectors.add(DiscoverySelectors.selectClass(args[i]));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .configurationParameter("jqwik.database", "target/.jqwik-database").build();
        Map<String, Long> started = new HashMap<>();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[0])), true)) {
            LauncherFactory.create().execute(request, new TestExecutionListener() {
                @Override
                public void executionStarted(TestIdentifier t) {
                    started.put(t.getUniqueId(), System.nanoTime());
                }

                @Override
                public void executionSkipped(TestIdentifier t, String reason) {
                    if (t.isTest()) {
                        out.println(line("SKIP", t, 0, reason));
                    }
                }

                @Override
                public void executionFinished(TestIdentifier t, TestExecutionResult r) {
                    long ms = (System.nanoTime() - started.getOrDefault(t.getUniqueId(), System.nanoTime())) / 1_000_000;
                    boolean ok = r.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                    if (!t.isTest() && ok) {
                        return; // a class or factory that ran: its tests have their own lines
                    }
                    String result = ok ? "PASS" : r.getStatus() == TestExecutionResult.Status.ABORTED ? "SKIP" : "FAIL";
                    out.println(line(result, t, ms, r.getThrowable().map(e -> e.getClass().getSimpleName() + ": "
                            + e.getMessage()).orElse("")));
                }
            });
        }
    }

    private static String line(String result, TestIdentifier t, long ms, String message) {
        String m = message == null ? "" : message.replaceAll("\\s+", " ");
        if (m.length() > 500) {
            m = m.substring(0, 500) + "...";
        }
        String id = t.getUniqueId();
        int at = id.indexOf("[class:");
        String cls = at < 0 ? "?" : id.substring(at + 7, id.indexOf(']', at));
        return result + "\t" + cls.substring(cls.lastIndexOf('.') + 1) + "\t" + (t.isTest() ? t.getDisplayName()
                : "(class)") + "\t" + ms + "\t" + m;
    }
}
