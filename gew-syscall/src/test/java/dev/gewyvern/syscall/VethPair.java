package dev.gewyvern.syscall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two network namespaces the test creates (gwa...), joined by a veth pair: 10.199.0.1 in {@code a},
 * 10.199.0.2 in {@code b}. Packets from a to b cross the pair. Closing deletes both namespaces, and with
 * them the pair.
 */
public final class VethPair implements AutoCloseable {
    public static final String A_ADDR = "10.199.0.1";
    public static final String B_ADDR = "10.199.0.2";

    public final String a;
    public final String b;
    public final String aDev;
    public final String bDev;

    public VethPair() throws IOException, InterruptedException {
        String tag = Long.toString(ProcessHandle.current().pid() % 100000, 36) + Long.toString(System.nanoTime() % 1000000, 36);
        a = "gwa" + tag + "a";
        b = "gwa" + tag + "b";
        aDev = "gwa" + tag + "x";
        bDev = "gwa" + tag + "y";
        try {
            run("ip", "netns", "add", a);
            run("ip", "netns", "add", b);
            run("ip", "-n", a, "link", "add", aDev, "type", "veth", "peer", "name", bDev, "netns", b);
            run("ip", "-n", a, "addr", "add", A_ADDR + "/24", "dev", aDev);
            run("ip", "-n", b, "addr", "add", B_ADDR + "/24", "dev", bDev);
            for (String[] ns : new String[][] {{a, aDev}, {b, bDev}}) {
                run("ip", "-n", ns[0], "link", "set", ns[1], "up");
                run("ip", "-n", ns[0], "link", "set", "lo", "up");
            }
        } catch (IOException | InterruptedException | AssertionError e) {
            close();
            throw e;
        }
    }

    public Path netns(String name) {
        return Path.of("/run/netns", name);
    }

    /** The interface index of {@code dev} inside namespace {@code ns}. */
    public int ifindex(String ns, String dev) throws IOException, InterruptedException {
        String out = run("ip", "-n", ns, "-o", "link", "show", "dev", dev);
        return Integer.parseInt(out.substring(0, out.indexOf(':')).trim());
    }

    /** Runs a shell command inside namespace {@code ns}. */
    public String sh(String ns, String script) throws IOException, InterruptedException {
        return run("ip", "netns", "exec", ns, "bash", "-c", script);
    }

    /** Sends {@code n} UDP datagrams from a to b's port 9 (discard): ARP and UDP cross the pair. */
    public void udpAtoB(int n) throws IOException, InterruptedException {
        // a fresh socket per datagram: b's ICMP port-unreachable would fail the next send on a connected one
        sh(a, "for i in $(seq " + n + "); do echo gew > /dev/udp/" + B_ADDR + "/9; done; sleep 0.05");
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> failed = new ArrayList<>();
        for (String ns : new String[] {a, b}) {
            Process p = new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0 && Path.of("/run/netns", ns).toFile().exists()) {
                failed.add(ns);
            }
        }
        assertEquals(List.of(), failed, "network namespaces left behind");
    }
}
