package dev.gewyvern.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;


/**
 * What .kconfig CONFIG_* externs read: the running kernel's configuration (/proc/config.gz, else
 * /boot/config-$(uname -r), as libbpf looks). libbpf's virtual LINUX_* externs are {@link VirtualKconfig}.
 */
final class KernelConfig {
    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");
    private static final Pattern UNSET = Pattern.compile("^# (CONFIG_[A-Za-z0-9_]+) is not set$");
    private static Map<String, String> config;

    private KernelConfig() {
    }

    static synchronized Map<String, String> config() {
        if (config != null) {
            return config;
        }
        String release = System.getProperty("os.version");
        List<Path> places = List.of(Path.of("/proc/config.gz"), Path.of("/boot/config-" + release));
        for (Path p : places) {
            if (!Files.isReadable(p)) {
                continue;
            }
            try (InputStream raw = Files.newInputStream(p);
                 InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                config = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return config;
            } catch (IOException e) {
                throw SessionException.system(Step.STAGE, "cannot read the kernel configuration at " + p + ": " + IoErrors.reason(e));
            }
        }
        throw SessionException.system(Step.STAGE, "the object reads CONFIG_* values (.kconfig externs) but neither "
                + places.get(0) + " nor " + places.get(1) + " exists; enable CONFIG_IKCONFIG_PROC or install the "
                + "kernel's config file");
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SET.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
                continue;
            }
            m = UNSET.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), "n");
            }
        }
        return out;
    }
}
