package dev.gewyvern.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gewyvern.syscall.Bpf;
import dev.gewyvern.syscall.Fd;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * libbpf itself (Debian's libbpf.so.1, the library inside bpftool), driven from a test to load an object
 * the way every libbpf user does: open with {@code btf_custom_path} (the Pipeline's target_btf), set the
 * .data image, load one program. What it loaded is pinned in the test's own folder and opened again with
 * gewyvern's Bpf calls, so that both loaders' programs are looked at in the same way. The runtime never
 * uses libbpf; this is the reference the CO-RE tests hold gewyvern against.
 */
final class Libbpf implements AutoCloseable {
    /** The libbpf calls used here, as in libbpf.h (1.1). */
    public interface Api {
        @SaveError
        Pointer bpf_object__open_file(String path, Pointer opts);

        Pointer bpf_object__next_program(Pointer obj, Pointer prev);

        String bpf_program__name(Pointer prog);

        int bpf_program__set_autoload(Pointer prog, boolean autoload);

        Pointer bpf_object__next_map(Pointer obj, Pointer prev);

        String bpf_map__name(Pointer map);

        int bpf_map__set_initial_value(Pointer map, Pointer data, @size_t long size);

        int bpf_object__load(Pointer obj);

        int bpf_program__pin(Pointer prog, String path);

        int bpf_map__pin(Pointer map, String path);

        void bpf_object__close(Pointer obj);
    }

    /** struct bpf_object_open_opts of libbpf 1.1 on x86_64: sz, btf_custom_path, kernel_log_{buf,size,level}. */
    private static final int OPTS_SIZE = 80;
    private static final int OPTS_BTF_CUSTOM_PATH = 48;
    private static final int OPTS_KERNEL_LOG_BUF = 56;
    private static final int OPTS_KERNEL_LOG_SIZE = 64;
    private static final int OPTS_KERNEL_LOG_LEVEL = 72;
    private static final int LOG_SIZE = 1 << 20;

    private static Api api;
    private static Runtime runtime;

    private final Pointer obj;
    private final Pointer log;
    private final Path pins;
    private final Map<String, Fd> programs = new LinkedHashMap<>();
    /** Each map by the name of its ELF section (".bss", ".data", ...) or its own name. */
    private final Map<String, Fd> maps = new LinkedHashMap<>();
    private final int loadResult;

    private static synchronized Api api() {
        if (api == null) {
            api = LibraryLoader.create(Api.class).library("libbpf.so.1").library("bpf").load();
            runtime = Runtime.getRuntime(api);
        }
        return api;
    }

    private static Pointer cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Pointer p = Memory.allocateDirect(runtime, b.length + 1, true);
        p.put(0, b, 0, b.length);
        return p;
    }

    /**
     * Opens {@code object} against {@code targetBtf} (null: the running kernel's), loads only
     * {@code program} with {@code data} (if given) as the .data image, and pins what loaded under
     * {@code pins}. A failed load is kept as {@link #loadResult()} with the verifier's log.
     */
    Libbpf(Path object, Path targetBtf, String program, byte[] data, Path pins) throws IOException {
        Api l = api();
        this.pins = pins;
        Pointer opts = Memory.allocateDirect(runtime, OPTS_SIZE, true);
        opts.putLong(0, OPTS_SIZE);
        Pointer btfPath = targetBtf == null ? null : cString(targetBtf.toString());
        if (btfPath != null) {
            opts.putAddress(OPTS_BTF_CUSTOM_PATH, btfPath.address());
        }
        log = Memory.allocateDirect(runtime, LOG_SIZE, true);
        opts.putAddress(OPTS_KERNEL_LOG_BUF, log.address());
        opts.putLong(OPTS_KERNEL_LOG_SIZE, LOG_SIZE);
        opts.putInt(OPTS_KERNEL_LOG_LEVEL, 0);
        obj = l.bpf_object__open_file(object.toString(), opts);
        if (obj == null) {
            throw new IOException("libbpf cannot open " + object + ": errno " + runtime.getLastError());
        }
        boolean found = false;
        for (Pointer p = l.bpf_object__next_program(obj, null); p != null; p = l.bpf_object__next_program(obj, p)) {
            boolean wanted = l.bpf_program__name(p).equals(program);
            found |= wanted;
            l.bpf_program__set_autoload(p, wanted);
        }
        if (!found) {
            close();
            throw new IllegalArgumentException(object + " has no program " + program);
        }
        if (data != null) {
            Pointer image = Memory.allocateDirect(runtime, data.length, true);
            image.put(0, data, 0, data.length);
            if (l.bpf_map__set_initial_value(section(".data"), image, data.length) != 0) {
                close();
                throw new IOException("libbpf refused the " + data.length + "-byte .data image of " + object);
            }
        }
        loadResult = l.bpf_object__load(obj);
        if (loadResult != 0) {
            return;
        }
        try {
            pinAll(program);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void pinAll(String program) throws IOException {
        Api l = api;
        Files.createDirectories(pins);
        for (Pointer p = l.bpf_object__next_program(obj, null); p != null; p = l.bpf_object__next_program(obj, p)) {
            String name = l.bpf_program__name(p);
            if (name.equals(program)) {
                programs.put(name, pinAndOpen(l.bpf_program__pin(p, pins.resolve(name).toString()), name, "prog"));
            }
        }
        for (Pointer m = l.bpf_object__next_map(obj, null); m != null; m = l.bpf_object__next_map(obj, m)) {
            String name = l.bpf_map__name(m);
            String pin = "map_" + name.replace('.', '_');
            maps.put(name.indexOf('.') >= 0 ? name.substring(name.indexOf('.')) : name,
                    pinAndOpen(l.bpf_map__pin(m, pins.resolve(pin).toString()), pin, "map"));
        }
    }

    private Pointer section(String name) {
        for (Pointer m = api.bpf_object__next_map(obj, null); m != null; m = api.bpf_object__next_map(obj, m)) {
            String n = api.bpf_map__name(m);
            if (n.endsWith(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("libbpf made no " + name + " map");
    }

    private Fd pinAndOpen(int pinned, String pin, String what) throws IOException {
        if (pinned != 0) {
            throw new IOException("libbpf could not pin " + pin + " under " + pins + ": " + pinned);
        }
        Fd fd = Bpf.get(pins.resolve(pin).toString(), what);
        Files.delete(pins.resolve(pin));
        return fd;
    }

    /** 0 when the object loaded, else libbpf's negative errno. */
    int loadResult() {
        return loadResult;
    }

    /** The verifier's log of a failed load (libbpf's own messages go to stderr). */
    String log() {
        byte[] b = new byte[LOG_SIZE];
        log.get(0, b, 0, b.length);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    Fd program(String name) {
        return programs.get(name);
    }

    /** A map by its section (".bss") or name. */
    Fd map(String sectionOrName) {
        return maps.get(sectionOrName);
    }

    /** Each map's kernel id, named by its section (".bss") or its own name. */
    Map<Integer, String> mapNamesById() {
        Map<Integer, String> out = new LinkedHashMap<>();
        maps.forEach((n, fd) -> out.put(Bpf.mapInfo(fd).id(), n));
        return out;
    }

    @Override
    public void close() throws IOException {
        programs.values().forEach(Fd::close);
        maps.values().forEach(Fd::close);
        api.bpf_object__close(obj);
        if (Files.exists(pins, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(pins);
        }
    }
}
